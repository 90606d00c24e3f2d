package io.kvasir.bench.txn;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Write latency second by second: each finished write is put in the second it finished in (p50,
 * p99, max of that second), and a second counts as <em>stalled</em> when, at some point in it, a
 * write had been waiting longer than the stall threshold — so a write stuck for 5 s marks the 4
 * seconds after its first one, whether it then succeeds, fails, or never finishes. Seconds are
 * counted from {@code originNanos}. Thread-safe.
 */
final class LatencyTimeline {

    static final long SECOND_NANOS = 1_000_000_000L;

    /** One second's figures; latencies in nanoseconds, 0 when nothing finished. */
    record Second(int index, long writes, long failures, long p50Nanos, long p99Nanos, long maxNanos, boolean stalled) {
    }

    private final long originNanos;
    private final long stallNanos;
    private final List<Histogram> perSecond = new ArrayList<>();
    private final List<Long> failures = new ArrayList<>();
    private final BitSet stalled = new BitSet();
    private final Histogram all = new Histogram(3);
    private long failed;
    private long unfinished;

    LatencyTimeline(long originNanos, long stallNanos) {
        this.originNanos = originNanos;
        this.stallNanos = stallNanos;
    }

    synchronized void succeeded(long beginNanos, long endNanos) {
        long latency = Math.max(0, endNanos - beginNanos);
        histogram(second(endNanos)).recordValue(latency);
        all.recordValue(latency);
        markStall(beginNanos, endNanos);
    }

    synchronized void failed(long beginNanos, long endNanos) {
        int s = second(endNanos);
        histogram(s);
        failures.set(s, failures.get(s) + 1);
        failed++;
        markStall(beginNanos, endNanos);
    }

    /** A write still waiting when the run stopped waiting for it, at {@code nowNanos}. */
    synchronized void unfinished(long beginNanos, long nowNanos) {
        histogram(second(nowNanos));
        unfinished++;
        markStall(beginNanos, nowNanos);
    }

    private void markStall(long beginNanos, long endNanos) {
        if (endNanos - beginNanos > stallNanos) {
            int from = second(beginNanos + stallNanos);
            int to = second(endNanos);
            histogram(to);
            stalled.set(from, to + 1);
        }
    }

    private int second(long nanos) {
        return (int) Math.max(0, (nanos - originNanos) / SECOND_NANOS);
    }

    private Histogram histogram(int second) {
        while (perSecond.size() <= second) {
            perSecond.add(new Histogram(3));
            failures.add(0L);
        }
        return perSecond.get(second);
    }

    /** Every second from the origin to the last with anything in it. */
    synchronized List<Second> seconds() {
        List<Second> out = new ArrayList<>();
        for (int s = 0; s < perSecond.size(); s++) {
            Histogram h = perSecond.get(s);
            long n = h.getTotalCount();
            out.add(new Second(s, n, failures.get(s), n == 0 ? 0 : h.getValueAtPercentile(50),
                    n == 0 ? 0 : h.getValueAtPercentile(99), n == 0 ? 0 : h.getMaxValue(), stalled.get(s)));
        }
        return out;
    }

    synchronized int stalledSeconds() {
        return stalled.cardinality();
    }

    synchronized long succeeded() {
        return all.getTotalCount();
    }

    synchronized long failed() {
        return failed;
    }

    synchronized long unfinished() {
        return unfinished;
    }

    /** Over every successful write: the latency at {@code percentile}, in nanoseconds. */
    synchronized long percentileNanos(double percentile) {
        return all.getTotalCount() == 0 ? 0 : all.getValueAtPercentile(percentile);
    }

    synchronized long maxNanos() {
        return all.getTotalCount() == 0 ? 0 : all.getMaxValue();
    }
}
