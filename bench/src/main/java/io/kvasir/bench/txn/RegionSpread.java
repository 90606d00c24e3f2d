package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.KeySpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tikv.common.TiSession;

/**
 * Cuts the records into regions of equal record counts (the client's SplitRegion in TXN mode)
 * and waits until PD has spread their leaders evenly over the stores, so that every store serves some
 * of the transactions and a 4-key transaction usually spans regions. Returns leaders per store.
 */
final class RegionSpread {

    private final TiSession session;
    private final Router router;

    RegionSpread(TiSession session, Router router) {
        this.session = session;
        this.router = router;
    }

    /** @return regions led by each store id, after the split and at most {@code waitMillis} of waiting */
    Map<Long, Integer> split(long records, int regions, int stores, long waitMillis) throws InterruptedException {
        List<byte[]> splitKeys = new ArrayList<>();
        for (int i = 1; i < regions; i++) {
            splitKeys.add(KeySpace.key(records * i / regions));
        }
        session.splitRegionAndScatter(splitKeys);
        List<byte[]> firsts = new ArrayList<>();
        firsts.add(KeySpace.key(0));
        firsts.addAll(splitKeys);
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        while (true) {
            Map<Long, Integer> leaders = new TreeMap<>();
            for (byte[] k : firsts) {
                try {
                    leaders.merge(router.leaderStore(k), 1, Integer::sum);
                } catch (RuntimeException e) {
                    leaders.merge(0L, 1, Integer::sum); // no leader known yet
                }
            }
            // Balanced as PD leaves it: every store leads some, none more than one over another. A
            // leader moved in the middle of a phase costs its transactions a retry round.
            int most = leaders.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            int least = leaders.size() < Math.min(stores, regions) ? 0
                    : leaders.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            boolean spread = !leaders.containsKey(0L) && most - least <= 1;
            if (spread || System.nanoTime() - deadline > 0) {
                return leaders;
            }
            Thread.sleep(1000);
        }
    }
}
