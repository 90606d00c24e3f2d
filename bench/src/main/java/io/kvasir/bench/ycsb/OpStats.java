package io.kvasir.bench.ycsb;

import org.HdrHistogram.Histogram;

/**
 * The measured outcomes of one operation type on one thread: a histogram of the latencies of the
 * operations that succeeded (3 significant digits, so every percentile is within 0.1 % of the true
 * value), errors, reads that found no value, and items (records written by a batch, pairs returned
 * by a scan). Not thread-safe: each worker owns its own and they are {@link #add added} at the end.
 * Failed operations are counted but their latency is not recorded, because the client's retry
 * deadline (2 s for a point operation) would stand in for the server's latency.
 */
public final class OpStats {

    private static final int SIGNIFICANT_DIGITS = 3;

    /** Nanoseconds; resizes itself to any value. */
    private final Histogram latencies = new Histogram(SIGNIFICANT_DIGITS);
    private long errors;
    private long misses;
    private long items;

    public void recordSuccess(long latencyNanos, long itemCount) {
        latencies.recordValue(Math.max(0, latencyNanos));
        items += itemCount;
    }

    /** A read that succeeded but found no value; call with {@link #recordSuccess}. */
    void recordMiss() {
        misses++;
    }

    public void recordError() {
        errors++;
    }

    public void add(OpStats other) {
        latencies.add(other.latencies);
        errors += other.errors;
        misses += other.misses;
        items += other.items;
    }

    /** Successful operations. */
    public long count() {
        return latencies.getTotalCount();
    }

    public long errors() {
        return errors;
    }

    long misses() {
        return misses;
    }

    long items() {
        return items;
    }

    /** The latency at {@code percentile} (0..100] in nanoseconds, 0 with no samples. */
    public long percentileNanos(double percentile) {
        return count() == 0 ? 0 : latencies.getValueAtPercentile(percentile);
    }

    public long maxNanos() {
        return count() == 0 ? 0 : latencies.getMaxValue();
    }

    long minNanos() {
        return count() == 0 ? 0 : latencies.getMinValue();
    }

    public double meanNanos() {
        return count() == 0 ? 0 : latencies.getMean();
    }
}
