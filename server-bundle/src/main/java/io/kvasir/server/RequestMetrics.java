package io.kvasir.server;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Per-command request counts and latencies of the facade: how many requests, how many ended in a
 * region error or an error, and a latency histogram. Latency runs from the moment a handler
 * starts to the moment the storage answer has been turned into a response (sending it is not
 * included). Lock-free; safe to update from any thread.
 *
 * <p>A plain class with no metrics library behind it: {@link #snapshot()} is what an exporter
 * (Prometheus, later) reads. The bucket bounds follow Prometheus' convention: a bucket counts the
 * requests at most its bound, and the snapshot's counts are per bucket, not cumulative.
 */
final class RequestMetrics {
    /** Upper bounds of the latency buckets in nanoseconds; one more bucket holds everything slower. */
    static final long[] BUCKET_BOUNDS_NANOS = {
        100_000L, 250_000L, 500_000L,
        1_000_000L, 2_500_000L, 5_000_000L,
        10_000_000L, 25_000_000L, 50_000_000L,
        100_000_000L, 250_000_000L, 500_000_000L,
        1_000_000_000L, 2_500_000_000L, 5_000_000_000L,
    };

    /** How a request ended, as far as the client can tell. */
    enum Outcome { OK, REGION_ERROR, ERROR }

    /** The counters of one command at one moment. {@code buckets} has one more entry than the bounds. */
    record Snapshot(long requests, long regionErrors, long errors, long totalNanos, long maxNanos, long[] buckets) {
        Snapshot {
            buckets = buckets.clone();
        }

        @Override
        public long[] buckets() {
            return buckets.clone();
        }

        @Override
        public String toString() {
            return "requests=" + requests + " region_errors=" + regionErrors + " errors=" + errors
                    + " total_ns=" + totalNanos + " max_ns=" + maxNanos + " buckets=" + Arrays.toString(buckets);
        }
    }

    /** Receives every recorded request too, e.g. to export it; must be cheap and thread-safe. */
    interface Sink {
        Sink NONE = (command, outcome, elapsedNanos) -> { };

        void record(Command command, Outcome outcome, long elapsedNanos);
    }

    private final LongSupplier nanoClock;
    private final Map<Command, Counters> counters = new EnumMap<>(Command.class);
    private volatile Sink sink = Sink.NONE;

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production) */
    RequestMetrics(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        for (Command c : Command.values()) {
            counters.put(c, new Counters());
        }
    }

    void sink(Sink sink) {
        this.sink = sink;
    }

    /** The start time to hand back to {@link #record}. */
    long start() {
        return nanoClock.getAsLong();
    }

    void record(Command command, Outcome outcome, long startNanos) {
        long elapsed = Math.max(0, nanoClock.getAsLong() - startNanos);
        counters.get(command).add(outcome, elapsed);
        sink.record(command, outcome, elapsed);
    }

    /** Every command's counters, in {@link Command} order. */
    Map<Command, Snapshot> snapshot() {
        Map<Command, Snapshot> out = new EnumMap<>(Command.class);
        counters.forEach((c, k) -> out.put(c, k.snapshot()));
        return Collections.unmodifiableMap(out);
    }

    Snapshot snapshot(Command command) {
        return counters.get(command).snapshot();
    }

    private static final class Counters {
        private final LongAdder requests = new LongAdder();
        private final LongAdder regionErrors = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder totalNanos = new LongAdder();
        private final AtomicLong maxNanos = new AtomicLong();
        private final LongAdder[] buckets = new LongAdder[BUCKET_BOUNDS_NANOS.length + 1];

        Counters() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void add(Outcome outcome, long elapsedNanos) {
            requests.increment();
            switch (outcome) {
                case REGION_ERROR -> regionErrors.increment();
                case ERROR -> errors.increment();
                case OK -> { }
            }
            totalNanos.add(elapsedNanos);
            maxNanos.accumulateAndGet(elapsedNanos, Math::max);
            buckets[bucketOf(elapsedNanos)].increment();
        }

        Snapshot snapshot() {
            long[] b = new long[buckets.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = buckets[i].sum();
            }
            return new Snapshot(requests.sum(), regionErrors.sum(), errors.sum(), totalNanos.sum(), maxNanos.get(), b);
        }
    }

    static int bucketOf(long elapsedNanos) {
        int i = Arrays.binarySearch(BUCKET_BOUNDS_NANOS, elapsedNanos);
        // Found: exactly on a bound, which belongs to that bucket. Not found: the insertion point is
        // the first bound above the value, or the overflow bucket.
        return i >= 0 ? i : -i - 1;
    }
}
