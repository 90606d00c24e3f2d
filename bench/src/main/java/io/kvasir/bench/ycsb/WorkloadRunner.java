package io.kvasir.bench.ycsb;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs the load and the transaction workloads on {@code threads} closed-loop workers: each issues
 * one call, waits for it, records it, and issues the next. Worker {@code i} draws everything (op,
 * record, value bytes, scan length) from {@code new SplittableRandom(seed + i)}, so a seed fixes
 * each thread's sequence of requests; how the threads interleave is up to the scheduler.
 *
 * <p>Timing (clock injected, nanoseconds): a transaction workload runs {@code warmup + duration};
 * an operation is measured if it <em>completes</em> inside the last {@code duration}, so ops/s is
 * measured operations over exactly {@code duration}. The load is measured whole.
 *
 * <p>Keys: transactions choose among the loaded records {@code [0, records)}; workload E's
 * inserts write new records {@code records + i + threads * k} (thread i's k-th insert), beyond the
 * loaded range and distinct across threads, and later choices do not include them.
 */
final class WorkloadRunner {

    /** Records per batchPut during the load. */
    static final int LOAD_BATCH = 256;
    private static final long PROGRESS_EVERY_MILLIS = 10_000;

    private final RawKv kv;
    private final DriverOptions options;
    private final LongSupplier clock;
    private final ErrorLog errors;
    private final Consumer<String> progress;
    private final NumberGenerator recordChooser;

    WorkloadRunner(RawKv kv, DriverOptions options, LongSupplier nanoClock, ErrorLog errors, Consumer<String> progress) {
        this.kv = kv;
        this.options = options;
        this.clock = nanoClock;
        this.errors = errors;
        this.progress = progress;
        // Built once: the zipfian's setup is O(records).
        this.recordChooser = options.distribution.overRecords(options.records);
    }

    /** Runs one phase and returns a row per operation type of it. */
    List<OpSummary> run(Workload workload) {
        return workload == Workload.LOAD ? load() : transactions(workload);
    }

    private List<OpSummary> load() {
        long batches = (options.records + LOAD_BATCH - 1) / LOAD_BATCH;
        int threads = options.threads;
        Phase phase = new Phase("load", List.of(OpType.BATCH_PUT));
        long start = clock.getAsLong();
        phase.run((index, stats, done) -> {
            RandomGenerator random = new SplittableRandom(options.seed + index);
            OpStats put = stats.get(OpType.BATCH_PUT);
            for (long batch = index; batch < batches; batch += threads) {
                long first = batch * LOAD_BATCH;
                int n = (int) Math.min(LOAD_BATCH, options.records - first);
                List<byte[]> keys = new ArrayList<>(n);
                List<byte[]> values = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    keys.add(KeySpace.key(first + j));
                    values.add(randomValue(random));
                }
                long t0 = clock.getAsLong();
                try {
                    kv.batchPut(keys, values);
                    put.recordSuccess(clock.getAsLong() - t0, n);
                } catch (RuntimeException e) {
                    put.recordError();
                    errors.record("load batchPut", e);
                }
                done.increment();
            }
        });
        long window = clock.getAsLong() - start;
        return phase.summaries(Workload.LOAD.label(), window);
    }

    private List<OpSummary> transactions(Workload workload) {
        OpMix mix = workload.mix();
        NumberGenerator scanLengths = new UniformGenerator(1, options.scanLength);
        Phase phase = new Phase(workload.label(), mix.ops());
        long start = clock.getAsLong();
        long warmupEnd = start + options.warmupNanos();
        long end = warmupEnd + options.durationNanos();
        String context = workload.label() + " ";
        phase.run((index, stats, done) -> {
            RandomGenerator random = new SplittableRandom(options.seed + index);
            long inserts = 0;
            while (clock.getAsLong() < end) {
                OpType op = mix.choose(random);
                byte[] key = op == OpType.INSERT
                        ? KeySpace.key(options.records + index + (long) options.threads * inserts++)
                        : KeySpace.key(recordChooser.next(random));
                byte[] value = op == OpType.UPDATE || op == OpType.INSERT ? randomValue(random) : null;
                int limit = op == OpType.SCAN ? (int) scanLengths.next(random) : 0;
                OpStats s = stats.get(op);
                long t0 = clock.getAsLong();
                try {
                    long items = 1;
                    boolean miss = false;
                    switch (op) {
                        case READ -> miss = kv.get(key) < 0;
                        case UPDATE, INSERT -> kv.put(key, value);
                        case SCAN -> items = kv.scan(key, limit);
                        default -> throw new IllegalStateException("workload " + workload + " drew " + op);
                    }
                    long t1 = clock.getAsLong();
                    if (t1 >= warmupEnd && t1 < end) {
                        s.recordSuccess(t1 - t0, items);
                        if (miss) {
                            s.recordMiss();
                        }
                    }
                } catch (RuntimeException e) {
                    long t1 = clock.getAsLong();
                    errors.record(context + op.label(), e);
                    if (t1 >= warmupEnd && t1 < end) {
                        s.recordError();
                    }
                }
                done.increment();
            }
        });
        return phase.summaries(workload.label(), options.durationNanos());
    }

    private byte[] randomValue(RandomGenerator random) {
        byte[] value = new byte[options.valueSize];
        random.nextBytes(value);
        return value;
    }

    /** What one worker thread does; {@code stats} holds an entry for every op type of the phase. */
    @FunctionalInterface
    private interface WorkerBody {
        void run(int index, Map<OpType, OpStats> stats, LongAdder done);
    }

    /** One phase's threads and their statistics. */
    private final class Phase {
        private final String name;
        private final List<OpType> ops;
        private final List<Map<OpType, OpStats>> perThread = new ArrayList<>();

        Phase(String name, List<OpType> ops) {
            this.name = name;
            this.ops = ops;
        }

        /** Runs the body on every worker and returns when all have finished. */
        void run(WorkerBody body) {
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            LongAdder done = new LongAdder();
            CountDownLatch finished = new CountDownLatch(options.threads);
            for (int i = 0; i < options.threads; i++) {
                Map<OpType, OpStats> stats = new EnumMap<>(OpType.class);
                ops.forEach(op -> stats.put(op, new OpStats()));
                perThread.add(stats);
                int index = i;
                Thread t = new Thread(() -> {
                    try {
                        body.run(index, stats, done);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        finished.countDown();
                    }
                }, "ycsb-" + name + "-" + i);
                t.setDaemon(true);
                t.start();
            }
            awaitWithProgress(finished, done);
            if (!failures.isEmpty()) {
                IllegalStateException e = new IllegalStateException("a worker of " + name + " failed");
                failures.forEach(e::addSuppressed);
                throw e;
            }
        }

        private void awaitWithProgress(CountDownLatch finished, LongAdder done) {
            try {
                // Wall-clock waits only pace the progress lines; they decide nothing measured.
                while (!finished.await(PROGRESS_EVERY_MILLIS, TimeUnit.MILLISECONDS)) {
                    progress.accept(name + ": " + done.sum() + " operations so far");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while " + name + " ran", e);
            }
        }

        List<OpSummary> summaries(String workload, long windowNanos) {
            List<OpSummary> rows = new ArrayList<>();
            for (OpType op : ops) {
                OpStats merged = new OpStats();
                perThread.forEach(m -> merged.add(m.get(op)));
                rows.add(OpSummary.of(workload, op, merged, windowNanos));
            }
            return rows;
        }
    }
}
