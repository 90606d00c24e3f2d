package io.kvasir.engine.titan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of blob GC: a child JVM overwriting keys in synced batches while GC runs is killed
 * with SIGKILL at a chosen GC step ({@link GcCrashChild}), four times over on the same files, each
 * step once. After every kill: every acknowledged batch is there, whole; no batch is half applied;
 * every index resolves; and GC of the recovered engine keeps it so.
 */
class GcCrashTest {
    private static final int MAX_ACKS = 20_000;

    @TempDir
    Path tmp;

    @Test
    void killedDuringGcLosesNothingAndLeavesNoDanglingIndex() throws Exception {
        long seed = Long.getLong("kvasir.tck.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dkvasir.tck.seed=" + seed + ")";
        Random random = new Random(seed);
        Path dir = tmp.resolve("titan");
        long acknowledged = 0;
        for (GcObserver.Point point : GcObserver.Point.values()) {
            int occurrence = 1 + random.nextInt(6);
            int writesAfterPause = random.nextInt(30);
            String where = context + ", killed at " + point + " #" + occurrence + " + " + writesAfterPause + " batches";
            acknowledged = Math.max(acknowledged, runAndKill(dir, seed, point, occurrence, writesAfterPause, where));
            try (TitanEngine engine = TitanEngine.open(dir, GcCrashChild.options())) {
                verify(engine, acknowledged, seed, where);
                engine.gc();
                verify(engine, acknowledged, seed, where + ", after GC of the recovered engine");
            }
        }
    }

    /**
     * Runs the child until it pauses at the chosen GC step and acknowledges {@code writesAfterPause}
     * more batches, then kills it; returns the last acknowledged batch.
     */
    private static long runAndKill(Path dir, long seed, GcObserver.Point point, int occurrence, int writesAfterPause, String context)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GcCrashChild.class.getName());
        command.add(dir.toString());
        command.add(Long.toString(seed));
        command.add(point.name());
        command.add(Integer.toString(occurrence));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long last = 0;
        boolean paused = false;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int acks = 0;
            int afterPause = 0;
            String line;
            while ((!paused || afterPause < writesAfterPause) && acks < MAX_ACKS && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    last = Long.parseLong(line.substring(4));
                    acks++;
                    afterPause += paused ? 1 : 0;
                } else if (line.startsWith("PAUSE ")) {
                    paused = true;
                    System.out.println(context + ": " + line + " after " + acks + " acknowledged batches (last " + last + ")");
                } else if (!line.startsWith("READY ")) {
                    output.add(line);
                }
            }
            // SIGKILL: no shutdown hooks, nothing sealed or synced on the way out.
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        } finally {
            child.destroyForcibly();
        }
        if (!paused) {
            fail(context + ": the child never reached the GC step (" + last + " batches acknowledged): " + output);
        }
        return last;
    }

    private static void verify(TitanEngine engine, long acknowledged, long seed, String context) {
        long counter = GcCrashChild.counter(engine);
        assertTrue(counter >= acknowledged, context + ": batch " + acknowledged + " was acknowledged but the counter says " + counter);
        for (int k = 0; k < GcCrashChild.KEYS; k++) {
            assertArrayEquals(GcCrashChild.value(seed, counter, k), engine.get(ColumnFamily.DEFAULT, TestValues.key(k)),
                    context + ": key " + k + " should hold batch " + counter);
        }
        int keys = 0;
        try (EngineIterator it = engine.newIterator(ColumnFamily.DEFAULT)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                assertEquals(GcCrashChild.value(seed, counter, keys).length, it.value().length, context);
                keys++;
            }
        }
        assertEquals(GcCrashChild.KEYS, keys, context + ": keys in default");
    }
}
