package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.Scannable;
import io.kvasir.engine.api.SplitPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Range sizes that count blob values at their real size, read from the LSM tree's indexes without
 * reading a blob. The LSM engine's own estimates see only the small indexes, so without this a
 * region of large values would never look big enough to split (TiKV counts blob sizes in its
 * range-properties collector for the same reason). Split keys follow the algorithm of
 * {@link io.kvasir.engine.api.RangeScans#splitKeys}, on these sizes.
 */
final class BlobAwareSizes {

    private BlobAwareSizes() {
    }

    private record Totals(long bytes, long keys) {
    }

    /** Bytes of the blob values in {@code range}: what the LSM estimate misses. */
    static long blobBytes(Scannable lsm, KeyRange range, List<ColumnFamily> cfs) {
        long bytes = 0;
        for (ColumnFamily cf : cfs) {
            try (EngineIterator it = lsm.newIterator(cf, IterOptions.of(range).withoutFillCache())) {
                for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                    byte[] raw = it.value();
                    if (LsmValue.isBlob(raw)) {
                        bytes += LsmValue.decode(raw).valueLength();
                    }
                }
            }
        }
        return bytes;
    }

    private static Totals totals(Scannable lsm, KeyRange range, List<ColumnFamily> cfs) {
        long bytes = 0;
        long keys = 0;
        for (ColumnFamily cf : cfs) {
            try (EngineIterator it = lsm.newIterator(cf, IterOptions.of(range).withoutFillCache())) {
                for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                    bytes += it.key().length + LsmValue.valueLength(it.value());
                    keys++;
                }
            }
        }
        return new Totals(bytes, keys);
    }

    /** As {@code RangeScans.splitKeys}, over a snapshot of the LSM engine. */
    static List<byte[]> splitKeys(Scannable lsm, KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs) {
        if (cfs.isEmpty()) {
            throw EngineException.invalidArgument("split keys need at least one column family");
        }
        Totals all = totals(lsm, range, cfs);
        if (all.bytes() <= policy.maxBytes() && all.keys() <= policy.maxKeys()) {
            return List.of();
        }
        Totals primary = totals(lsm, range, cfs.subList(0, 1));
        if (primary.keys() == 0) {
            return List.of();
        }
        double byteShare = all.bytes() == 0 ? 1 : (double) primary.bytes() / all.bytes();
        double keyShare = (double) primary.keys() / all.keys();
        long pieceBytes = Math.max(1, (long) (policy.pieceBytes() * byteShare));
        long pieceKeys = Math.max(1, (long) (policy.pieceKeys() * keyShare));
        List<byte[]> splits = new ArrayList<>();
        long bytes = 0;
        long keys = 0;
        try (EngineIterator it = lsm.newIterator(cfs.get(0), IterOptions.of(range).withoutFillCache())) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                byte[] key = it.key();
                if (bytes >= pieceBytes || keys >= pieceKeys) {
                    splits.add(key);
                    bytes = 0;
                    keys = 0;
                }
                bytes += key.length + LsmValue.valueLength(it.value());
                keys++;
            }
        }
        return splits;
    }
}
