package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.ErrorLog;
import io.kvasir.bench.ycsb.OpStats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Runs one kind of transaction on {@code threads} closed-loop workers for {@code warmup + duration}
 * seconds: each worker picks its keys, runs one transaction, records it, and starts the next. A
 * transaction counts if it <em>finishes</em> inside the measured window, so transactions/s is
 * the measured ones over exactly the window. Worker {@code i} draws its keys from
 * {@code new SplittableRandom(seed + i)}.
 */
final class PhaseRunner {

    private final LongSupplier clock;
    private final ErrorLog errors;

    PhaseRunner(LongSupplier nanoClock, ErrorLog errors) {
        this.clock = nanoClock;
        this.errors = errors;
    }

    /** What one worker saw. Owned by its thread until the phase ends. */
    private static final class Tally {
        final OpStats committed = new OpStats();
        final Map<AbortCause, Long> aborts = new EnumMap<>(AbortCause.class);
        long retries;
        long keyWritesAll;
    }

    PhaseResult run(String kind, String distribution, ReadModifyWrite txn, KeyPicker picker, int threads,
            double warmupSeconds, double durationSeconds, long seed) {
        long start = clock.getAsLong();
        long measureFrom = start + (long) (warmupSeconds * 1e9);
        long end = measureFrom + (long) (durationSeconds * 1e9);
        List<Tally> tallies = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Tally tally = new Tally();
            tallies.add(tally);
            SplittableRandom random = new SplittableRandom(seed + i);
            Thread t = new Thread(() -> work(txn, picker, random, tally, measureFrom, end, kind), "txn-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the workers ran", e);
            }
        }
        Tally all = new Tally();
        for (Tally t : tallies) {
            all.committed.add(t.committed);
            t.aborts.forEach((c, n) -> all.aborts.merge(c, n, Long::sum));
            all.retries += t.retries;
            all.keyWritesAll += t.keyWritesAll;
        }
        return new PhaseResult(kind, picker.count(), threads, distribution, durationSeconds, all.committed, all.aborts,
                all.retries, all.keyWritesAll);
    }

    private void work(ReadModifyWrite txn, KeyPicker picker, SplittableRandom random, Tally tally, long measureFrom,
            long end, String kind) {
        while (clock.getAsLong() < end) {
            List<byte[]> keys = picker.pick(random);
            long t0 = clock.getAsLong();
            try {
                int retries = txn.run(keys);
                long t1 = clock.getAsLong();
                tally.keyWritesAll += keys.size();
                if (t1 >= measureFrom && t1 < end) {
                    tally.committed.recordSuccess(t1 - t0, keys.size());
                    tally.retries += retries;
                }
            } catch (TxnAborted a) {
                long t1 = clock.getAsLong();
                if (t1 >= measureFrom && t1 < end) {
                    tally.aborts.merge(a.reason(), 1L, Long::sum);
                    if (a.reason() == AbortCause.OTHER) {
                        errors.record(kind, a);
                    }
                }
            } catch (RuntimeException e) {
                // A bug or an unexpected client failure: counted as OTHER, and shown.
                long t1 = clock.getAsLong();
                if (t1 >= measureFrom && t1 < end) {
                    tally.aborts.merge(AbortCause.OTHER, 1L, Long::sum);
                }
                errors.record(kind + " (unexpected)", e);
            }
        }
    }
}
