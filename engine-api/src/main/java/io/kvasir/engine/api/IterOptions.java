package io.kvasir.engine.api;

import java.util.Arrays;

/**
 * Bounds of an iterator: keys {@code k} with {@code lowerBound <= k < upperBound}. A null bound is
 * open. Bounds let engines skip work (RocksDB stops at the upper bound without reading tombstones
 * past it), so callers should always pass the tightest range they know.
 *
 * @param lowerBound inclusive, or null for no lower bound
 * @param upperBound exclusive, or null for no upper bound
 * @param fillCache  whether blocks read by this iterator should populate the engine's cache;
 *                   false for one-off scans (snapshot export, split checks) that would evict hot data
 */
public record IterOptions(byte[] lowerBound, byte[] upperBound, boolean fillCache) {

    public static final IterOptions ALL = new IterOptions(null, null, true);

    public IterOptions {
        if (lowerBound != null && upperBound != null && Arrays.compareUnsigned(lowerBound, upperBound) > 0) {
            throw EngineException.invalidArgument("iterator lower bound is above its upper bound");
        }
        lowerBound = lowerBound == null ? null : lowerBound.clone();
        upperBound = upperBound == null ? null : upperBound.clone();
    }

    /** Keys in {@code [lowerBound, upperBound)}; either may be null. */
    public static IterOptions range(byte[] lowerBound, byte[] upperBound) {
        return new IterOptions(lowerBound, upperBound, true);
    }

    /** Keys in {@code range}. */
    public static IterOptions of(KeyRange range) {
        return new IterOptions(range.start(), range.endOrNull(), true);
    }

    /** These bounds, not filling the block cache. */
    public IterOptions withoutFillCache() {
        return new IterOptions(lowerBound, upperBound, false);
    }

    /** True when {@code key} lies inside these bounds. */
    public boolean contains(byte[] key) {
        return (lowerBound == null || Arrays.compareUnsigned(key, lowerBound) >= 0)
                && (upperBound == null || Arrays.compareUnsigned(key, upperBound) < 0);
    }
}
