package io.kvasir.engine.titan;

import static io.kvasir.engine.titan.TestValues.key;
import static io.kvasir.engine.titan.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blob GC: space comes back, readers never miss a value, and a concurrent overwrite always wins. */
class BlobGcTest {
    private static final ColumnFamily CF = ColumnFamily.DEFAULT;
    private static final int KEYS = 640;
    private static final int SIZE = 16 << 10;

    @TempDir
    Path tmp;

    private static TitanOptions options() {
        return TitanOptions.defaults().withBlobFileSize(1 << 20).withGcInterval(Duration.ZERO);
    }

    /** What each key should hold: a generation, or -1 when deleted. */
    private static int[] load(TitanEngine engine, long seed) {
        int[] generation = new int[KEYS];
        writeGeneration(engine, seed, generation, k -> true, 0);
        return generation;
    }

    private static void writeGeneration(TitanEngine engine, long seed, int[] generation, java.util.function.IntPredicate which, int gen) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int k = 0; k < KEYS; k++) {
                if (which.test(k)) {
                    batch.put(CF, key(k), value(seed, k, gen, SIZE));
                    generation[k] = gen;
                }
                if (batch.count() == 32) {
                    engine.write(batch, WriteOptions.NO_SYNC);
                    batch.clear();
                }
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
    }

    private static void check(byte[] actual, long seed, int k, int gen, String context) {
        if (gen < 0) {
            assertNull(actual, context + ": key " + k + " was deleted");
        } else {
            assertArrayEquals(value(seed, k, gen, SIZE), actual, context + ": key " + k + " generation " + gen);
        }
    }

    private static void checkScan(EngineIterator it, long seed, int[] generation, String context) {
        int k = 0;
        for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
            while (generation[k] < 0) {
                k++;
            }
            assertArrayEquals(key(k), it.key(), context);
            check(it.value(), seed, k, generation[k], context);
            k++;
        }
        while (k < KEYS && generation[k] < 0) {
            k++;
        }
        assertEquals(KEYS, k, context + ": scan ended early");
    }

    @Test
    void overwritingMostValuesThenGcReclaimsTheSpaceWhileReadersSeeConsistentData() throws Exception {
        long seed = Long.getLong("kvasir.tck.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dkvasir.tck.seed=" + seed + ")";
        Random random = new Random(seed);
        Path dir = tmp.resolve("titan");
        TitanEngine engine = TitanEngine.open(dir, options());
        int[] generation;
        try {
            generation = load(engine, seed);
            int[] old = generation.clone();
            Snapshot before = engine.snapshot();
            EngineIterator beforeIterator = engine.newIterator(CF);
            // Overwrite 90% and delete 5%: most of the first files becomes garbage.
            boolean[] overwrite = new boolean[KEYS];
            for (int k = 0; k < KEYS; k++) {
                overwrite[k] = random.nextInt(100) < 90;
            }
            int[] current = generation;
            writeGeneration(engine, seed, current, k -> overwrite[k], 1);
            for (int k = 0; k < KEYS; k++) {
                if (!overwrite[k] && random.nextInt(2) == 0) {
                    engine.delete(CF, key(k), WriteOptions.NO_SYNC);
                    generation[k] = -1;
                }
            }
            long liveBytes = 0;
            for (int g : generation) {
                liveBytes += g < 0 ? 0 : SIZE;
            }
            long blobsBefore = TestValues.diskBytes(dir.resolve("blobs"));
            assertTrue(blobsBefore > 1.8 * liveBytes, "the overwrite left garbage: " + blobsBefore);

            AtomicBoolean gcDone = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> readers = new ArrayList<>();
            try {
                readers.add(pool.submit(() -> pointReader(engine, seed, current, gcDone, context)));
                readers.add(pool.submit(() -> scanReader(engine, seed, current, gcDone, context)));
                GcReport report = engine.gc();
                assertTrue(report.filesRewritten() > 0 && report.recordsDropped() > 0, context + ": " + report);
                // Readers that predate GC still read the old values from the obsolete files.
                checkScan(beforeIterator, seed, old, context + ", iterator opened before the overwrite");
                for (int k = 0; k < KEYS; k++) {
                    check(before.get(CF, key(k)), seed, k, old[k], context + ", snapshot taken before the overwrite");
                }
                assertTrue(TestValues.diskBytes(dir.resolve("blobs")) > 1.5 * liveBytes, "old files stay while pinned");
                // Now the old files can go, while the readers still run.
                beforeIterator.close();
                before.close();
                gcDone.set(true);
                for (Future<Integer> reader : readers) {
                    assertTrue(reader.get(120, TimeUnit.SECONDS) > 0, "reader made no round");
                }
            } finally {
                gcDone.set(true);
                pool.shutdownNow();
            }
            long blobsAfter = TestValues.diskBytes(dir.resolve("blobs"));
            assertEquals(blobsAfter, engine.blobBytes(), "accounted blob bytes match the disk");
            // Live data plus at most one partly filled file of each kind (foreground, GC output).
            assertTrue(blobsAfter < liveBytes + (3L << 20), context + ": " + blobsAfter + " bytes of blobs for " + liveBytes + " live");
            assertTrue(engine.stats().totalBytes() >= blobsAfter);
        } finally {
            engine.close();
        }
        try (TitanEngine reopened = TitanEngine.open(dir, options()); EngineIterator it = reopened.newIterator(CF)) {
            checkScan(it, seed, generation, context + ", after reopening");
        }
    }

    /** Random point reads (which may meet a file GC just deleted and must retry). */
    private static int pointReader(TitanEngine engine, long seed, int[] generation, AtomicBoolean done, String context) {
        Random random = new Random(seed + 1);
        int rounds = 0;
        while (!done.get() || rounds < 200) {
            int k = random.nextInt(KEYS);
            check(engine.get(CF, key(k)), seed, k, generation[k], context + ", point reader");
            rounds++;
        }
        return rounds;
    }

    /** Whole scans and snapshot reads of the current state. */
    private static int scanReader(TitanEngine engine, long seed, int[] generation, AtomicBoolean done, String context) {
        Random random = new Random(seed + 2);
        int rounds = 0;
        while (!done.get() || rounds < 3) {
            try (EngineIterator it = engine.newIterator(CF)) {
                checkScan(it, seed, generation, context + ", scan reader");
            }
            try (Snapshot snapshot = engine.snapshot()) {
                for (int i = 0; i < 50; i++) {
                    int k = random.nextInt(KEYS);
                    check(snapshot.get(CF, key(k)), seed, k, generation[k], context + ", snapshot reader");
                }
            }
            rounds++;
        }
        return rounds;
    }

    @Test
    void aKeyOverwrittenWhileGcCopiesItKeepsItsNewValue() {
        long seed = 42;
        Path dir = tmp.resolve("titan");
        try (TitanEngine engine = TitanEngine.open(dir, options())) {
            int[] generation = load(engine, seed);
            writeGeneration(engine, seed, generation, k -> k % 10 != 0, 1);
            AtomicInteger interventions = new AtomicInteger();
            engine.gcObserver((point, file) -> {
                if (point == GcObserver.Point.COPIED && interventions.getAndIncrement() == 0) {
                    // GC has copied live records and not switched their indexes: overwrite every
                    // survivor with a small inline value, and delete some.
                    for (int k = 0; k < KEYS; k += 10) {
                        if (k % 20 == 0) {
                            engine.put(CF, key(k), new byte[] {(byte) k}, WriteOptions.NO_SYNC);
                        } else {
                            engine.delete(CF, key(k), WriteOptions.NO_SYNC);
                        }
                    }
                }
            });
            GcReport report = engine.gc();
            assertTrue(interventions.get() > 0, "GC copied nothing: " + report);
            assertTrue(report.recordsRaced() > 0, "the overwrites raced GC's switch: " + report);
            for (int k = 0; k < KEYS; k++) {
                byte[] actual = engine.get(CF, key(k));
                if (k % 20 == 0) {
                    assertArrayEquals(new byte[] {(byte) k}, actual, "key " + k);
                } else if (k % 10 == 0) {
                    assertNull(actual, "key " + k);
                } else {
                    check(actual, seed, k, 1, "key " + k);
                }
            }
        }
    }

    /** Also: files sealed full are not "small", even when the blob file size is below the merge threshold. */
    @Test
    void gcOfAStoreWithoutGarbageMovesNothing() {
        try (TitanEngine engine = TitanEngine.open(tmp.resolve("titan"), options().withMergeSmallFileThreshold(8 << 20))) {
            load(engine, 7);
            long bytes = engine.blobBytes();
            GcReport report = engine.gc();
            assertEquals(0, report.filesRewritten(), report.toString());
            assertTrue(report.filesSampled() > 0, report.toString());
            assertEquals(bytes, engine.blobBytes());
            assertEquals(0, engine.gc().filesSampled(), "nothing was written: the estimates stand");
            engine.put(CF, key(0), value(7, 0, 1, SIZE), WriteOptions.NO_SYNC);
            assertEquals(0, engine.gc().filesSampled(), "one write cannot move a 64-record file's estimate by 5%");
            for (int k = 0; k < 10; k++) {
                engine.put(CF, key(k), value(7, k, 1, SIZE), WriteOptions.NO_SYNC);
            }
            assertTrue(engine.gc().filesSampled() >= report.filesSampled(), "ten writes can");
        }
    }

    @Test
    void smallFilesAreMergedAndDeletedFilesDisappear() {
        Path dir = tmp.resolve("titan");
        TitanOptions options = options().withMergeSmallFileThreshold(8 << 20);
        // Each reopen seals the foreground file: three small, fully live files.
        for (int round = 0; round < 3; round++) {
            try (TitanEngine engine = TitanEngine.open(dir, options)) {
                engine.put(CF, key(round), value(3, round, 0, SIZE), WriteOptions.SYNC);
            }
        }
        try (TitanEngine engine = TitanEngine.open(dir, options)) {
            assertEquals(3, engine.blobs().fileCount());
            GcReport report = engine.gc();
            assertEquals(3, report.filesRewritten(), report.toString());
            assertEquals(3, report.recordsMoved(), report.toString());
            assertEquals(1, engine.blobs().fileCount());
            for (int round = 0; round < 3; round++) {
                check(engine.get(CF, key(round)), 3, round, 0, "after the merge");
            }
            engine.delete(CF, key(0), WriteOptions.NO_SYNC);
            engine.delete(CF, key(1), WriteOptions.NO_SYNC);
            engine.delete(CF, key(2), WriteOptions.NO_SYNC);
            report = engine.gc();
            assertEquals(1, report.filesRewritten(), report.toString());
            assertEquals(0, engine.blobs().fileCount());
            assertEquals(0, TestValues.diskBytes(dir.resolve("blobs")));
        }
    }
}
