package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;

/**
 * PD merges small regions back together on the 3-store playground: the key space is split into
 * 25 regions with the client's SplitRegion, and PD's merge checker (split-merge interval cut to a
 * second) merges neighbours until one region is left, while a writer keeps writing. Every write
 * acknowledged before, during and after is there at the end.
 */
class RegionMergeTest {

    static final String MERGE_SOON = ReplicatedFaultTest.FAST_RAFT + " -Dschedule.split-merge-interval=1s"
            + " -Draftstore.merge-check-tick-interval=500ms";

    @TempDir
    Path data;

    @Test
    void smallRegionsMergeBackIntoOneWhileWritesGoOn() throws Exception {
        try (Playground playground = Playground.startWithJvmOptions(MERGE_SOON, data, "--stores", "3");
             ExactRawClient client = new ExactRawClient(playground.pdAddress())) {
            ReplicatedFaultTest.awaitThreeVoters(playground.pdAddress());
            List<byte[]> splitKeys = new ArrayList<>();
            for (char c = 'b'; c <= 'z'; c++) {
                client.put(c + "/before", "v" + c);
                splitKeys.add(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
            TiConfiguration conf = TiConfiguration.createRawDefault(playground.pdAddress());
            try (TiSession session = TiSession.create(conf)) {
                session.splitRegionAndScatter(splitKeys);
            }
            long split = PdRegions.count(playground.pdAddress());
            assertTrue(split >= 25, "only " + split + " regions after splitting");

            ConcurrentHashMap<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> writeUntilStopped(client, writing, acknowledged, failures), "merge-test-writer");
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long regions = split;
            // Until merged, and until the writer got a fair number of writes through (merges can be
            // quicker than a handful of writes; the writes after them count too).
            while ((regions > 1 || acknowledged.size() < 50) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                regions = PdRegions.count(playground.pdAddress());
            }
            writing.set(false);
            writer.join();
            assertEquals(1, regions, "PD left " + regions + " of " + split + " regions unmerged");
            assertTrue(acknowledged.size() >= 50, "the writer got only " + acknowledged.size() + " writes through; "
                    + failures.size() + " failed, first: " + (failures.isEmpty() ? "none" : failures.get(0)));

            for (char c = 'b'; c <= 'z'; c++) {
                assertEquals(Optional.of("v" + c), client.get(c + "/before"));
            }
            for (var e : acknowledged.entrySet()) {
                assertEquals(Optional.of(e.getValue()), client.get(e.getKey()), e.getKey());
            }
            client.put("m/after", "merged");
            assertEquals(Optional.of("merged"), client.get("m/after"));
        }
    }

    /** Writes a new key in a new region each time round, until stopped; records what was acknowledged. */
    private static void writeUntilStopped(ExactRawClient client, AtomicBoolean writing, ConcurrentHashMap<String, String> acked,
            List<String> failures) {
        for (int i = 0; writing.get(); i++) {
            String key = (char) ('b' + i % 25) + "/w" + i;
            try {
                client.put(key, "w" + i);
                acked.put(key, "w" + i);
            } catch (ExactRawClient.UnknownOutcome | RuntimeException e) {
                failures.add(e.toString()); // not acknowledged: nothing is claimed for this key
            }
        }
    }
}
