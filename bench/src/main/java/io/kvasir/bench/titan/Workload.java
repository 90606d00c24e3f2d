package io.kvasir.bench.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.EngineStats;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.titan.GcReport;
import io.kvasir.engine.titan.TitanEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * One engine, one value size: load {@code keys} fresh keys in random order, overwrite a random
 * three quarters of them, run GC (titan), then point reads and scans in rounds the driver
 * interleaves with the other engine's. Writes are unsynced batches of about 256 KiB
 * (at most 256 pairs), as a raftstore applies committed entries. Throughput of a write phase
 * counts the time until the engine has flushed its memtables and finished its compactions, so a
 * write the engine only deferred is not counted as done.
 */
final class Workload {
    static final int KEY_BYTES = 16;
    private static final ColumnFamily CF = ColumnFamily.DEFAULT;
    private static final long SEED = 0x7469_7461_6eL;
    /** The overwrite phase rewrites this share of the keys, so GC has live records to move as well as garbage. */
    static final double OVERWRITTEN = 0.75;

    /** Figures of one write phase. */
    record WritePhase(long userBytes, long pairs, double clientSeconds, double totalSeconds, long diskBytes) {
        double mbPerSecond() {
            return userBytes / totalSeconds / (1 << 20);
        }

        double clientMbPerSecond() {
            return userBytes / clientSeconds / (1 << 20);
        }

        double writeAmplification() {
            return (double) diskBytes / userBytes;
        }
    }

    /** Everything measured for one engine and value size. */
    record Result(String engine, int valueSize, WritePhase load, WritePhase overwrite, long liveBytes, long spaceAfterLoad,
                  long spaceAfterOverwrite, long spaceAfterGc, double gcSeconds, long gcDiskBytes, String gcReport,
                  double getsPerSecond, double scannedPairsPerSecond) {
    }

    /** Each figure's median over runs of one engine and value size (upper median for an even count). */
    static Result median(List<Result> runs) {
        Result first = runs.get(0);
        return new Result(first.engine(), first.valueSize(), medianPhase(runs.stream().map(Result::load).toList()),
                medianPhase(runs.stream().map(Result::overwrite).toList()), first.liveBytes(),
                (long) med(runs, r -> r.spaceAfterLoad()), (long) med(runs, r -> r.spaceAfterOverwrite()),
                (long) med(runs, r -> r.spaceAfterGc()), med(runs, Result::gcSeconds), (long) med(runs, r -> r.gcDiskBytes()),
                runs.stream().map(Result::gcReport).distinct().collect(Collectors.joining("; ")),
                med(runs, Result::getsPerSecond), med(runs, Result::scannedPairsPerSecond));
    }

    private static WritePhase medianPhase(List<WritePhase> phases) {
        WritePhase first = phases.get(0);
        return new WritePhase(first.userBytes(), first.pairs(), med(phases, WritePhase::clientSeconds),
                med(phases, WritePhase::totalSeconds), (long) med(phases, p -> p.diskBytes()));
    }

    private static <T> double med(List<T> items, ToDoubleFunction<T> figure) {
        double[] values = items.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    private final KvEngine engine;
    private final Path dir;
    private final int valueSize;
    private final long keys;
    private final ValuePool pool;
    private final SplittableRandom readRandom = new SplittableRandom(SEED + 3);
    private final SplittableRandom scanRandom = new SplittableRandom(SEED + 4);
    private WritePhase load;
    private WritePhase overwrite;
    private long spaceAfterLoad;
    private long spaceAfterOverwrite;
    private long spaceAfterGc;
    private double gcSeconds;
    private long gcDisk;
    private String gcReport = "-";
    private long gets;
    private long getNanos;
    private long scannedPairs;
    private long scanNanos;

    Workload(KvEngine engine, Path dir, int valueSize, long keys, ValuePool pool) {
        this.engine = engine;
        this.dir = dir;
        this.valueSize = valueSize;
        this.keys = keys;
        this.pool = pool;
    }

    /** The write phases: load, overwrite, then GC for titan. */
    void writeAndCollect() throws InterruptedException {
        load = write(1, 1.0);
        spaceAfterLoad = DiskIo.spaceUsed(dir);
        overwrite = write(2, OVERWRITTEN);
        spaceAfterOverwrite = DiskIo.spaceUsed(dir);
        long gcStart = System.nanoTime();
        long gcIo = DiskIo.writtenBytes();
        if (engine instanceof TitanEngine titan) {
            GcReport report = titan.gc();
            gcReport = report.filesRewritten() + " files rewritten, " + report.recordsMoved() + " records moved";
            drain();
        }
        gcSeconds = (System.nanoTime() - gcStart) / 1e9;
        gcDisk = DiskIo.writtenBytes() - gcIo;
        spaceAfterGc = DiskIo.spaceUsed(dir);
    }

    /**
     * One round of point reads, then one of scans, each for {@code seconds}. The driver alternates
     * rounds between the two engines, so that the machine's slow minutes hit both alike.
     */
    void readRound(double seconds) {
        pointReads(seconds);
        scans(seconds);
    }

    Result result() {
        return new Result(engine.name(), valueSize, load, overwrite, keys * (KEY_BYTES + valueSize), spaceAfterLoad,
                spaceAfterOverwrite, spaceAfterGc, gcSeconds, gcDisk, gcReport, gets / (getNanos / 1e9),
                scannedPairs / (scanNanos / 1e9));
    }

    /** Writes {@code fraction} of the keys once, in a random order; {@code round} picks the keys, order and values. */
    private WritePhase write(int round, double fraction) throws InterruptedException {
        int batchPairs = Math.max(1, Math.min(256, (256 << 10) / valueSize));
        SplittableRandom random = new SplittableRandom(SEED + round);
        long[] order = shuffled(random);
        long ioBefore = DiskIo.writtenBytes();
        long start = System.nanoTime();
        byte[] key = new byte[KEY_BYTES];
        long count = (long) (keys * fraction);
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (long i = 0; i < count; i++) {
                Keys.fill(key, order[(int) i]);
                batch.put(CF, key, pool.value(random, valueSize));
                if (batch.count() == batchPairs) {
                    engine.write(batch, WriteOptions.NO_SYNC);
                    batch.clear();
                }
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        long client = System.nanoTime();
        drain();
        long end = System.nanoTime();
        long userBytes = count * (KEY_BYTES + valueSize);
        return new WritePhase(userBytes, count, (client - start) / 1e9, (end - start) / 1e9, DiskIo.writtenBytes() - ioBefore);
    }

    private long[] shuffled(SplittableRandom random) {
        long[] order = new long[(int) keys];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Flushes, then waits until no compaction is running or owed. Polling is fine in a benchmark. */
    private void drain() throws InterruptedException {
        engine.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            EngineStats stats = engine.stats();
            if (stats.runningCompactions() == 0 && stats.pendingCompactionBytes() == 0 && stats.immutableMemtables() == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(engine.name() + " did not finish compacting within 10 minutes");
    }

    private void pointReads(double seconds) {
        byte[] key = new byte[KEY_BYTES];
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long done = 0;
        while ((done & 255) != 0 || System.nanoTime() < deadline) {
            Keys.fill(key, readRandom.nextLong(keys));
            if (engine.get(CF, key) == null) {
                throw new IllegalStateException(engine.name() + " lost a key");
            }
            done++;
        }
        gets += done;
        getNanos += System.nanoTime() - start;
    }

    /** Scans of 100 consecutive pairs from a random key, reading keys and values. */
    private void scans(double seconds) {
        byte[] start = new byte[KEY_BYTES];
        long begin = System.nanoTime();
        long deadline = begin + (long) (seconds * 1e9);
        long pairs = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            scanRandom.nextBytes(start);
            try (EngineIterator it = engine.newIterator(CF, IterOptions.ALL.withoutFillCache())) {
                int n = 0;
                for (boolean ok = it.seek(start); ok && n < 100; ok = it.next()) {
                    sink += it.key().length + it.value().length;
                    n++;
                }
                pairs += n;
            }
        }
        if (sink < 0) {
            throw new AssertionError();
        }
        scannedPairs += pairs;
        scanNanos += System.nanoTime() - begin;
    }
}
