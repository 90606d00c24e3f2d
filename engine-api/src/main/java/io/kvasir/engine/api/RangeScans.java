package io.kvasir.engine.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Range statistics computed by reading the range: exact, and linear in its size. Engines without
 * size metadata (LMDB) answer {@link RangeProperties} with these; RocksDB uses them for split
 * keys, which its Java API cannot sample from table properties. The split checker runs them off
 * the request path, on ranges no bigger than a region.
 */
public final class RangeScans {

    private RangeScans() {
    }

    /** Bytes of keys and values, and number of keys, in {@code range} of {@code cfs}. */
    public record Totals(long bytes, long keys) {
    }

    public static Totals totals(Scannable source, KeyRange range, List<ColumnFamily> cfs) {
        long bytes = 0;
        long keys = 0;
        for (ColumnFamily cf : cfs) {
            try (EngineIterator it = source.newIterator(cf, IterOptions.of(range).withoutFillCache())) {
                for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                    bytes += it.key().length + it.value().length;
                    keys++;
                }
            }
        }
        return new Totals(bytes, keys);
    }

    /**
     * Split keys for {@code range} under {@code policy}: if the range's totals exceed the policy's
     * maximum, the keys of {@code cfs.get(0)} at which a running total passes a multiple of the
     * piece size. The other column families count towards the totals in proportion, as TiKV's
     * size checker does by summing all data column families.
     */
    public static List<byte[]> splitKeys(Scannable source, KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs) {
        if (cfs.isEmpty()) {
            throw EngineException.invalidArgument("split keys need at least one column family");
        }
        Totals all = totals(source, range, cfs);
        if (all.bytes() <= policy.maxBytes() && all.keys() <= policy.maxKeys()) {
            return List.of();
        }
        Totals primary = totals(source, range, cfs.subList(0, 1));
        if (primary.keys() == 0) {
            return List.of();
        }
        // Scale the per-piece budget to the primary column family's share of the data.
        double byteShare = all.bytes() == 0 ? 1 : (double) primary.bytes() / all.bytes();
        double keyShare = (double) primary.keys() / all.keys();
        long pieceBytes = Math.max(1, (long) (policy.pieceBytes() * byteShare));
        long pieceKeys = Math.max(1, (long) (policy.pieceKeys() * keyShare));

        List<byte[]> splits = new ArrayList<>();
        long bytes = 0;
        long keys = 0;
        try (EngineIterator it = source.newIterator(cfs.get(0), IterOptions.of(range).withoutFillCache())) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                if (bytes >= pieceBytes || keys >= pieceKeys) {
                    splits.add(it.key());
                    bytes = 0;
                    keys = 0;
                }
                bytes += it.key().length + it.value().length;
                keys++;
            }
        }
        return splits;
    }
}
