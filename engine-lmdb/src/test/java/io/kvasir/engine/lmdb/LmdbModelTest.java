package io.kvasir.engine.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks against a sorted map over thousands of keys, so that delete-ranges cross LMDB page
 * boundaries (the cursor delete-then-next walk) and snapshots are read by several threads at once.
 */
class LmdbModelTest {
    private static final ColumnFamily CF = ColumnFamily.DEFAULT;

    @TempDir
    Path tmp;

    private final long seed = Long.getLong("kvasir.test.seed", System.nanoTime());
    private final String context = "seed " + seed + " (replay with -Dkvasir.test.seed=" + seed + ")";

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deleteRangesAcrossPagesMatchASortedMap() {
        Random random = new Random(seed);
        NavigableMap<Integer, Integer> model = new TreeMap<>();
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT.withMapSize(1 << 20).withGrowth(2.0, 1 << 20))) {
            for (int round = 0; round < 40; round++) {
                try (WriteBatch batch = engine.newWriteBatch()) {
                    for (int op = 0; op < 300; op++) {
                        int k = random.nextInt(5_000);
                        int kind = random.nextInt(20);
                        if (kind < 16) {
                            int v = random.nextInt();
                            batch.put(CF, key(k), new byte[] {(byte) v, (byte) (v >> 8), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
                            model.put(k, v & 0xFFFF);
                        } else if (kind < 19) {
                            batch.delete(CF, key(k));
                            model.remove(k);
                        } else {
                            int end = Math.min(5_000, k + random.nextInt(800));
                            batch.deleteRange(CF, key(k), key(end));
                            model.subMap(k, true, end, false).clear();
                        }
                    }
                    engine.write(batch, WriteOptions.NO_SYNC);
                }
                List<Integer> actual = new ArrayList<>();
                try (EngineIterator it = engine.newIterator(CF, IterOptions.ALL)) {
                    for (boolean ok = it.seekToLast(); ok; ok = it.prev()) {
                        actual.add(Integer.parseInt(new String(it.key(), StandardCharsets.UTF_8).substring(3)));
                        byte[] v = it.value();
                        assertEquals(model.get(actual.get(actual.size() - 1)), (v[0] & 0xFF) | (v[1] & 0xFF) << 8, context);
                    }
                }
                assertEquals(new ArrayList<>(model.descendingKeySet()), actual, context + ", round " + round);
            }
        }
    }

    @Test
    void oneSnapshotReadByManyThreadsWhileWritesContinue() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT)) {
            Map<Integer, byte[]> expected = new TreeMap<>();
            try (WriteBatch batch = engine.newWriteBatch()) {
                Random random = new Random(seed);
                for (int i = 0; i < 2_000; i++) {
                    byte[] value = new byte[1 + random.nextInt(100)];
                    random.nextBytes(value);
                    expected.put(i, value);
                    batch.put(CF, key(i), value);
                }
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            Snapshot snapshot = engine.snapshot();
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                readers.add(pool.submit(() -> {
                    Random random = new Random(seed + thread);
                    for (int i = 0; i < 2_000; i++) {
                        int k = random.nextInt(2_000);
                        assertArrayEquals(expected.get(k), snapshot.get(CF, key(k)), context);
                        if (i % 100 == 0) {
                            try (EngineIterator it = snapshot.newIterator(CF, IterOptions.range(key(k), key(k + 50)))) {
                                int n = k;
                                for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                                    assertArrayEquals(expected.get(n++), it.value(), context);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            readers.add(pool.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    engine.put(CF, key(i), new byte[] {9}, WriteOptions.NO_SYNC);
                }
                return null;
            }));
            for (Future<?> reader : readers) {
                reader.get(2, TimeUnit.MINUTES);
            }
            snapshot.close();
            assertArrayEquals(new byte[] {9}, engine.get(CF, key(1_999)));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Closing the engine while another thread iterates: the iterator fails with CLOSED, nothing crashes. */
    @Test
    void engineCloseDuringIterationFailsTheIteratorCleanly() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT);
        try {
            for (int i = 0; i < 500; i++) {
                engine.put(CF, key(i), key(i), WriteOptions.NO_SYNC);
            }
            EngineIterator it = engine.newIterator(CF);
            Snapshot snapshot = engine.snapshot();
            EngineIterator snapIt = snapshot.newIterator(CF);
            java.util.concurrent.CountDownLatch walking = new java.util.concurrent.CountDownLatch(1);
            Future<EngineException> walker = pool.submit(() -> {
                try {
                    while (true) {
                        for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                            it.value();
                            snapIt.seek(it.key());
                            snapIt.value();
                            walking.countDown();
                        }
                    }
                } catch (EngineException e) {
                    return e;
                }
            });
            walking.await();
            engine.close();
            EngineException e = walker.get(1, TimeUnit.MINUTES);
            assertEquals(EngineException.Code.CLOSED, e.code(), e.toString());
            assertThrows(EngineException.class, () -> snapshot.get(CF, key(1)));
            it.close();
            snapIt.close();
            snapshot.close();
        } finally {
            engine.close();
            pool.shutdownNow();
        }
    }
}
