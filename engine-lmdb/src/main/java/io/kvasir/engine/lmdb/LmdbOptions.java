package io.kvasir.engine.lmdb;

import java.time.Duration;

/**
 * How an LMDB engine is opened. A node reads these from its config ({@link LmdbConfig}, keys
 * {@code lmdb.*} documented in reference.conf); tests and tools use {@link #DEFAULT} and the
 * {@code with*} methods.
 *
 * @param mapSize          initial size of LMDB's memory map in bytes; the map grows on demand
 * @param growthFactor     each growth multiplies the map size by at least this
 * @param growthMinStep    each growth adds at least this many bytes
 * @param growthThreshold  after a commit, the map is grown ahead of need once more than this
 *                         fraction of it is used and no snapshot is open
 * @param growthTimeout    how long a write that filled the map waits for open snapshots and
 *                         iterators to close so that the map can grow, before it fails with NO_SPACE
 * @param maxReaders       LMDB's reader table size: the most read transactions (snapshots,
 *                         iterators, point reads in flight) open at once
 * @param maxValueSize     the largest value accepted, in bytes
 */
public record LmdbOptions(long mapSize, double growthFactor, long growthMinStep, double growthThreshold,
                          Duration growthTimeout, int maxReaders, int maxValueSize) {

    /** 1 GiB map doubling (at least +64 MiB) at 75 % use, 10 s growth wait, 1024 readers, 64 MiB values. */
    public static final LmdbOptions DEFAULT =
            new LmdbOptions(1L << 30, 2.0, 64L << 20, 0.75, Duration.ofSeconds(10), 1024, 64 << 20);

    /** The smallest map accepted: a few pages for LMDB's meta pages and the four databases. */
    static final long MIN_MAP_SIZE = 64 << 10;
    /** Values may be large, but one must fit in a Java array with room for the sorted-file tag byte. */
    static final int MAX_MAX_VALUE_SIZE = Integer.MAX_VALUE - 64;

    public LmdbOptions {
        if (mapSize < MIN_MAP_SIZE) {
            throw new IllegalArgumentException("map size must be at least " + MIN_MAP_SIZE + " bytes, got " + mapSize);
        }
        if (!(growthFactor >= 1.0) || growthFactor > 64) {
            throw new IllegalArgumentException("map growth factor must be within [1, 64], got " + growthFactor);
        }
        if (growthMinStep < 0) {
            throw new IllegalArgumentException("map growth step must not be negative, got " + growthMinStep);
        }
        if (growthFactor == 1.0 && growthMinStep == 0) {
            throw new IllegalArgumentException("map growth needs a factor above 1 or a positive step");
        }
        if (!(growthThreshold > 0 && growthThreshold <= 1)) {
            throw new IllegalArgumentException("map growth threshold must be within (0, 1], got " + growthThreshold);
        }
        if (growthTimeout == null || growthTimeout.isNegative()) {
            throw new IllegalArgumentException("growth timeout must not be negative, got " + growthTimeout);
        }
        if (maxReaders < 1) {
            throw new IllegalArgumentException("max readers must be positive, got " + maxReaders);
        }
        if (maxValueSize < 1 || maxValueSize > MAX_MAX_VALUE_SIZE) {
            throw new IllegalArgumentException("max value size must be within [1, " + MAX_MAX_VALUE_SIZE + "], got " + maxValueSize);
        }
    }

    public LmdbOptions withMapSize(long bytes) {
        return new LmdbOptions(bytes, growthFactor, growthMinStep, growthThreshold, growthTimeout, maxReaders, maxValueSize);
    }

    public LmdbOptions withGrowth(double factor, long minStep) {
        return new LmdbOptions(mapSize, factor, minStep, growthThreshold, growthTimeout, maxReaders, maxValueSize);
    }

    public LmdbOptions withGrowthThreshold(double threshold) {
        return new LmdbOptions(mapSize, growthFactor, growthMinStep, threshold, growthTimeout, maxReaders, maxValueSize);
    }

    public LmdbOptions withGrowthTimeout(Duration timeout) {
        return new LmdbOptions(mapSize, growthFactor, growthMinStep, growthThreshold, timeout, maxReaders, maxValueSize);
    }

    public LmdbOptions withMaxReaders(int readers) {
        return new LmdbOptions(mapSize, growthFactor, growthMinStep, growthThreshold, growthTimeout, readers, maxValueSize);
    }

    public LmdbOptions withMaxValueSize(int bytes) {
        return new LmdbOptions(mapSize, growthFactor, growthMinStep, growthThreshold, growthTimeout, maxReaders, bytes);
    }

    /** The map size after one growth step from {@code current}, rounded up to a whole 64 KiB. */
    long grownMapSize(long current) {
        double multiplied = current * growthFactor;
        long next = multiplied >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) multiplied;
        next = Math.max(next, current + growthMinStep);
        long unit = 64 << 10;
        return Math.max(current + unit, (next + unit - 1) / unit * unit);
    }
}
