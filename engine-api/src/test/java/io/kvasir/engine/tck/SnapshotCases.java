package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Point-in-time snapshots. */
abstract class SnapshotCases extends EngineCases {

    SnapshotCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void snapshotIgnoresLaterPutsDeletesAndDeleteRanges() {
        putAll(DEFAULT, "a", "1", "b", "2", "c", "3");
        putAll(WRITE, "w", "x");
        try (Snapshot snap = engine.snapshot()) {
            put(DEFAULT, "a", "changed");
            engine.delete(DEFAULT, b("b"), WriteOptions.NO_SYNC);
            put(DEFAULT, "d", "new");
            try (WriteBatch batch = engine.newWriteBatch()) {
                batch.deleteRange(WRITE, b("a"), b("z"));
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            assertEquals("1", s(snap.get(DEFAULT, b("a"))));
            assertEquals("2", s(snap.get(DEFAULT, b("b"))));
            assertNull(snap.get(DEFAULT, b("d")));
            assertEquals(Map.of("a", "1", "b", "2", "c", "3"), contents(snap, DEFAULT));
            assertEquals(Map.of("w", "x"), contents(snap, WRITE));
        }
        assertEquals(Map.of("a", "changed", "c", "3", "d", "new"), contents(engine, DEFAULT));
    }

    @Test
    void snapshotIteratorsHonourBounds() {
        putAll(DEFAULT, "a", "1", "b", "2", "c", "3");
        try (Snapshot snap = engine.snapshot()) {
            assertEquals(List.of("b"), keys(snap, DEFAULT, IterOptions.range(b("b"), b("c"))));
        }
    }

    @Test
    void manySnapshotsEachSeeTheirOwnMoment() {
        put(DEFAULT, "k", "0");
        Snapshot s0 = engine.snapshot();
        put(DEFAULT, "k", "1");
        Snapshot s1 = engine.snapshot();
        put(DEFAULT, "k", "2");
        try (s0; s1) {
            assertEquals("0", s(s0.get(DEFAULT, b("k"))));
            assertEquals("1", s(s1.get(DEFAULT, b("k"))));
            assertValue(DEFAULT, "k", "2");
        }
    }

    /**
     * A writer rewrites every key of a "generation" in one batch, over and over, while readers take
     * snapshots and check that each one sees a single generation across all keys.
     */
    @Test
    void snapshotsAreIsolatedFromConcurrentWriters() throws Exception {
        int keys = 50;
        writeGeneration(keys, 0);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> writer = pool.submit(() -> {
                int generation = 0;
                started.countDown();
                while (!stop.get() && generation < 2_000) {
                    writeGeneration(keys, ++generation);
                }
                return generation;
            });
            started.await();
            for (int i = 0; i < 200; i++) {
                try (Snapshot snap = engine.snapshot()) {
                    String first = s(snap.get(DEFAULT, b("key00")));
                    Map<String, String> all = contents(snap, DEFAULT);
                    assertEquals(keys, all.size());
                    for (Map.Entry<String, String> e : all.entrySet()) {
                        assertEquals(first, e.getValue(), "snapshot saw two generations at " + e.getKey());
                    }
                }
            }
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private void writeGeneration(int keys, int generation) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int k = 0; k < keys; k++) {
                batch.put(DEFAULT, b(String.format("key%02d", k)), b("gen" + generation));
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
    }

    @Test
    void closedSnapshotRefusesReads() {
        put(DEFAULT, "k", "v");
        Snapshot snap = engine.snapshot();
        snap.close();
        snap.close();
        assertEngineError(Code.CLOSED, () -> snap.get(DEFAULT, b("k")));
        assertEngineError(Code.CLOSED, () -> snap.newIterator(DEFAULT));
    }

    @Test
    void closingTheEngineClosesItsSnapshotsAndIterators() {
        put(DEFAULT, "k", "v");
        Snapshot snap = engine.snapshot();
        EngineIterator it = snap.newIterator(DEFAULT);
        EngineIterator engineIt = engine.newIterator(DEFAULT);
        it.seekToFirst();
        engine.close();
        assertEngineError(Code.CLOSED, () -> snap.get(DEFAULT, b("k")));
        assertEngineError(Code.CLOSED, it::key);
        assertEngineError(Code.CLOSED, engineIt::seekToFirst);
        snap.close();
        it.close();
        engineIt.close();
    }
}
