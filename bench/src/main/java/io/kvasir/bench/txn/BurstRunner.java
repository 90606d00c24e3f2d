package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.ErrorLog;
import io.kvasir.bench.ycsb.KeySpace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A sustained burst of transactional writes: {@code threads} closed-loop workers, each writing
 * one random key of {@code keys} with a fresh random value of {@code valueSize} bytes (random, so
 * compression cannot shrink it), for {@code seconds}. Every write goes into a
 * {@link LatencyTimeline}. When the time is up the runner waits up to {@code drainSeconds} for
 * writes still in flight (a stalled engine holds them), then records the rest as unfinished.
 */
final class BurstRunner {

    private static final long PROGRESS_NANOS = 10 * LatencyTimeline.SECOND_NANOS;
    private static final long IDLE = Long.MIN_VALUE;

    private final BlindWrite writer;
    private final LongSupplier clock;
    private final ErrorLog errors;
    private final Consumer<String> progress;
    private final Map<AbortCause, Long> failures = new ConcurrentHashMap<>();

    BurstRunner(BlindWrite writer, LongSupplier nanoClock, ErrorLog errors, Consumer<String> progress) {
        this.writer = writer;
        this.clock = nanoClock;
        this.errors = errors;
        this.progress = progress;
    }

    LatencyTimeline run(int threads, double seconds, double drainSeconds, long keys, int valueSize, long seed,
            long stallNanos) {
        long start = clock.getAsLong();
        long end = start + (long) (seconds * 1e9);
        LatencyTimeline timeline = new LatencyTimeline(start, stallNanos);
        // When each worker's current write began; IDLE while it has none.
        AtomicLongArray inFlight = new AtomicLongArray(threads);
        for (int i = 0; i < threads; i++) {
            inFlight.set(i, IDLE);
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            SplittableRandom random = new SplittableRandom(seed + i);
            Thread t = new Thread(() -> work(random, keys, valueSize, end, timeline, inFlight, index), "burst-" + i);
            t.setDaemon(true); // one stuck past the drain must not keep the JVM alive
            workers.add(t);
            t.start();
        }
        report(start, end, timeline);
        long drainEnd = end + (long) (drainSeconds * 1e9);
        for (Thread t : workers) {
            long left = (drainEnd - clock.getAsLong()) / 1_000_000;
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long now = clock.getAsLong();
        for (int i = 0; i < threads; i++) {
            long began = inFlight.get(i);
            if (began != IDLE) {
                timeline.unfinished(began, now);
            }
        }
        return timeline;
    }

    private void work(SplittableRandom random, long keys, int valueSize, long end, LatencyTimeline timeline,
            AtomicLongArray inFlight, int index) {
        byte[] value = new byte[valueSize];
        while (clock.getAsLong() < end) {
            byte[] key = KeySpace.key(random.nextLong(keys));
            random.nextBytes(value);
            long t0 = clock.getAsLong();
            inFlight.set(index, t0);
            try {
                writer.write(key, value.clone());
                timeline.succeeded(t0, clock.getAsLong());
            } catch (TxnAborted a) {
                timeline.failed(t0, clock.getAsLong());
                failures.merge(a.reason(), 1L, Long::sum);
                if (a.reason() == AbortCause.OTHER) {
                    errors.record("burst write", a);
                }
            } catch (RuntimeException e) {
                timeline.failed(t0, clock.getAsLong());
                failures.merge(AbortCause.OTHER, 1L, Long::sum);
                errors.record("burst write (unexpected)", e);
            }
            inFlight.set(index, IDLE);
        }
    }

    /**
     * Failed writes by cause. Two writers that pick the same key at once conflict (key locked,
     * write conflict) like any transactions; the burst does not retry them.
     */
    Map<AbortCause, Long> failures() {
        return new EnumMap<>(failures);
    }

    /** Prints progress every 10 s until the burst's end: a stall is visible while it happens. */
    private void report(long start, long end, LatencyTimeline timeline) {
        long next = start + PROGRESS_NANOS;
        long lastCount = 0;
        while (clock.getAsLong() < end) {
            long sleep = Math.min(next, end) - clock.getAsLong();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (clock.getAsLong() >= next) {
                long count = timeline.succeeded();
                progress.accept(String.format(Locale.ROOT, "  %3.0f s: %.0f writes/s over the last 10 s, %d stalled seconds so far",
                        (clock.getAsLong() - start) / 1e9, (count - lastCount) / 10.0, timeline.stalledSeconds()));
                lastCount = count;
                next += PROGRESS_NANOS;
            }
        }
    }
}
