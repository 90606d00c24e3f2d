package io.kvasir.engine.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The map starts at 1 MiB and must grow to hold 50 MiB without a write ever failing with
 * MDB_MAP_FULL, while readers run, while a snapshot is open, and it must fail cleanly when a
 * snapshot blocks growth for longer than the timeout. Values derive from a seed printed in
 * every failure message.
 */
class MapGrowthTest {
    private static final long ONE_MIB = 1 << 20;
    private static final int VALUE_SIZE = 4096;
    private static final int KEYS_PER_BATCH = 64;
    /** 50 MiB of values in batches of 256 KiB. */
    private static final int BATCHES = (int) (50 * ONE_MIB / (VALUE_SIZE * KEYS_PER_BATCH));

    @TempDir
    Path tmp;

    private final long seed = Long.getLong("kvasir.test.seed", System.nanoTime());
    private final String context = "seed " + seed + " (replay with -Dkvasir.test.seed=" + seed + ")";

    /** A small map growing in small steps, so the test sees many growths. */
    private static LmdbOptions smallMap(Duration growthTimeout) {
        return LmdbOptions.DEFAULT.withMapSize(ONE_MIB).withGrowth(1.5, ONE_MIB).withGrowthTimeout(growthTimeout);
    }

    /** Two writers (even and odd batches) fill the map concurrently, so growths race too. */
    @Test
    void growsFromOneMebibyteToFiftyWhileReadersRun() throws Exception {
        AtomicLong acknowledged = new AtomicLong(-1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), smallMap(Duration.ofSeconds(30)))) {
            Future<?> odd = pool.submit(() -> {
                for (int batch = 1; batch < BATCHES; batch += 2) {
                    writeBatch(engine, batch);
                }
            });
            Future<?> writer = pool.submit(() -> {
                for (int batch = 0; batch < BATCHES; batch += 2) {
                    writeBatch(engine, batch);
                    acknowledged.set(batch);
                }
            });
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int readerId = r;
                readers.add(pool.submit(() -> readUntilDone(engine, writer, acknowledged, new Random(seed + readerId))));
            }
            writer.get(5, TimeUnit.MINUTES);
            odd.get(5, TimeUnit.MINUTES);
            for (Future<Long> reader : readers) {
                assertTrue(reader.get(1, TimeUnit.MINUTES) > 0, context + ": a reader checked nothing");
            }
            assertTrue(engine.mapGrowths() >= 5, context + ": expected several growths, got " + engine.mapGrowths());
            assertTrue(engine.mapSize() >= 50 * ONE_MIB, context + ": map is only " + engine.mapSize() + " bytes");
            verifyBatches(engine, 0, BATCHES);
        }
        try (LmdbEngine reopened = LmdbEngine.open(tmp.resolve("db"), smallMap(Duration.ofSeconds(30)))) {
            assertTrue(reopened.mapSize() >= 50 * ONE_MIB, context + ": a reopened map must fit its data");
            verifyBatches(reopened, BATCHES - 3, BATCHES);
        }
    }

    /** Point reads and short scans of acknowledged (even) batches until that writer is done; returns how many it checked. */
    private long readUntilDone(LmdbEngine engine, Future<?> writer, AtomicLong acknowledged, Random random) {
        long checks = 0;
        while (!writer.isDone() || checks == 0) {
            long last = acknowledged.get();
            if (last < 0) {
                Thread.onSpinWait();
                continue;
            }
            int batch = (int) (random.nextLong(last / 2 + 1)) * 2;
            int k = random.nextInt(KEYS_PER_BATCH);
            assertArrayEquals(value(batch, k), engine.get(ColumnFamily.DEFAULT, key(batch, k)), context + ": batch " + batch + " key " + k);
            try (EngineIterator it = engine.newIterator(ColumnFamily.DEFAULT)) {
                assertTrue(it.seek(key(batch, 0)), context);
                for (int i = 0; i < 4 && it.valid(); i++) {
                    it.next();
                }
            }
            checks++;
        }
        return checks;
    }

    @Test
    void anOpenSnapshotKeepsItsViewAndGrowthWaitsForItToClose() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), smallMap(Duration.ofMinutes(2)))) {
            writeBatch(engine, 0);
            Snapshot snapshot = engine.snapshot();
            Future<?> writer = pool.submit(() -> {
                for (int batch = 1; batch < BATCHES; batch++) {
                    writeBatch(engine, batch);
                }
            });
            // While the writer fills the map and then waits to grow it, the snapshot sees batch 0 only.
            long checks = 0;
            while (engine.writersWaitingToGrow() == 0 && !writer.isDone()) {
                verifySnapshotSeesOnlyBatchZero(snapshot);
                checks++;
            }
            assertEquals(1, engine.writersWaitingToGrow(), context + ": the writer should wait for the snapshot, not finish");
            verifySnapshotSeesOnlyBatchZero(snapshot);
            snapshot.close();
            writer.get(5, TimeUnit.MINUTES);
            assertTrue(engine.mapGrowths() >= 5, context + ": growths " + engine.mapGrowths());
            verifyBatches(engine, 0, BATCHES);
        } finally {
            pool.shutdownNow();
        }
    }

    private void verifySnapshotSeesOnlyBatchZero(Snapshot snapshot) {
        for (int k = 0; k < KEYS_PER_BATCH; k += 7) {
            assertArrayEquals(value(0, k), snapshot.get(ColumnFamily.DEFAULT, key(0, k)), context);
        }
        assertNull(snapshot.get(ColumnFamily.DEFAULT, key(1, 0)), context + ": snapshot saw a later write");
        int count = 0;
        try (EngineIterator it = snapshot.newIterator(ColumnFamily.DEFAULT)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                count++;
            }
        }
        assertEquals(KEYS_PER_BATCH, count, context + ": snapshot saw a later write");
    }

    @Test
    void growthBlockedByALongLivedSnapshotFailsWithNoSpaceThenWorksOnceItCloses() {
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), smallMap(Duration.ofMillis(200)))) {
            writeBatch(engine, 0);
            Snapshot snapshot = engine.snapshot();
            int batch = 1;
            EngineException full = null;
            // Fill the map: with the snapshot open it cannot grow, so some batch must fail.
            for (; batch < BATCHES && full == null; batch++) {
                try {
                    writeBatch(engine, batch);
                } catch (EngineException e) {
                    full = e;
                }
            }
            int failed = batch - 1;
            assertTrue(full != null, context + ": 50 MiB fit a 1 MiB map with a snapshot open?");
            assertEquals(EngineException.Code.NO_SPACE, full.code(), context + ": " + full);
            assertTrue(full.getMessage().contains("snapshots blocked map growth"), full.getMessage());
            assertNull(snapshot.get(ColumnFamily.DEFAULT, key(1, 0)), context);
            snapshot.close();
            // The failed batch changed nothing; written again, it succeeds once the map can grow.
            assertNull(engine.get(ColumnFamily.DEFAULT, key(failed, 0)), context + ": a failed batch was partly applied");
            assertNull(engine.get(ColumnFamily.DEFAULT, key(failed, KEYS_PER_BATCH - 1)), context);
            long growthsBefore = engine.mapGrowths();
            for (int b = failed; b < failed + 8; b++) {
                writeBatch(engine, b);
            }
            assertTrue(engine.mapGrowths() > growthsBefore, context);
            verifyBatches(engine, 0, failed + 8);
        }
    }

    @Test
    void aSingleValueLargerThanTheMapGrowsItEnough() {
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), smallMap(Duration.ofSeconds(10)))) {
            byte[] big = new byte[(int) (6 * ONE_MIB)];
            new Random(seed).nextBytes(big);
            engine.put(ColumnFamily.RAFT, key(0, 0), big, WriteOptions.SYNC);
            assertArrayEquals(big, engine.get(ColumnFamily.RAFT, key(0, 0)), context);
            assertTrue(engine.mapSize() > 6 * ONE_MIB);
        }
    }

    private void writeBatch(LmdbEngine engine, int batch) {
        try (WriteBatch wb = engine.newWriteBatch()) {
            for (int k = 0; k < KEYS_PER_BATCH; k++) {
                wb.put(ColumnFamily.DEFAULT, key(batch, k), value(batch, k));
            }
            engine.write(wb, batch % 16 == 0 ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
        }
    }

    private void verifyBatches(LmdbEngine engine, int from, int to) {
        for (int batch = from; batch < to; batch++) {
            for (int k = 0; k < KEYS_PER_BATCH; k += 13) {
                assertArrayEquals(value(batch, k), engine.get(ColumnFamily.DEFAULT, key(batch, k)), context + ": batch " + batch + " key " + k);
            }
        }
        long keys = 0;
        try (EngineIterator it = engine.newIterator(ColumnFamily.DEFAULT)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                keys++;
            }
        }
        assertEquals((long) to * KEYS_PER_BATCH, keys, context);
    }

    private static byte[] key(int batch, int k) {
        return String.format("b%06d-%02d", batch, k).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] value(int batch, int k) {
        byte[] value = new byte[VALUE_SIZE];
        new Random(seed * 31 + batch * 1_000L + k).nextBytes(value);
        return value;
    }
}
