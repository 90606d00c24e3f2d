package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
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

/**
 * Crash safety: a child JVM writing synced batches is killed with SIGKILL at a random moment,
 * three times over; after each kill every acknowledged batch is present, whole, and no batch is
 * half applied. The seed picks the kill points and the value sizes; it is printed on failure.
 */
abstract class CrashCases extends EngineCases {

    CrashCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void killedWriterLosesNoAcknowledgedBatchAndHalfAppliesNone() throws Exception {
        long seed = Long.getLong("kvasir.tck.seed", System.nanoTime());
        String context = "seed " + seed + " (replay with -Dkvasir.tck.seed=" + seed + ")";
        Random random = new Random(seed);
        Path dir = engine.path();
        engine.close();
        long acknowledged = 0;
        for (int round = 0; round < 3; round++) {
            acknowledged = Math.max(acknowledged, runAndKill(dir, seed, 20 + random.nextInt(120), context));
            try (KvEngine recovered = factory().open(dir)) {
                verify(recovered, acknowledged, seed, context + ", after kill " + (round + 1));
            }
        }
    }

    /** Starts the writer, waits for {@code acks} acknowledgements, kills it; returns the last acknowledged batch. */
    private long runAndKill(Path dir, long seed, int acks, String context) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWriter.class.getName());
        command.add(factory().getClass().getName());
        command.add(dir.toString());
        command.add(Long.toString(seed));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long last = 0;
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int seen = 0;
            String line;
            while (seen < acks && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    last = Long.parseLong(line.substring(4));
                    seen++;
                } else if (!line.startsWith("READY ")) {
                    output.add(line);
                }
            }
            // SIGKILL: no shutdown hooks, no flushing; the engine gets no chance to tidy up.
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
            assertTrue(seen == acks, context + ": writer stopped early after " + seen + " acks: " + output);
        } finally {
            child.destroyForcibly();
        }
        return last;
    }

    private static void verify(KvEngine engine, long acknowledged, long seed, String context) {
        long counter = CrashWriter.counter(engine);
        assertTrue(counter >= acknowledged, context + ": batch " + acknowledged + " was acknowledged but the counter says " + counter);
        for (long n = 1; n <= counter; n++) {
            for (int k = 0; k < CrashWriter.KEYS_PER_BATCH; k++) {
                assertArrayEquals(CrashWriter.value(n, k, seed), engine.get(ColumnFamily.DEFAULT, CrashWriter.key(n, k)),
                        context + ": batch " + n + " key " + k + " (counter " + counter + ")");
            }
        }
        for (int k = 0; k < CrashWriter.KEYS_PER_BATCH; k++) {
            assertNull(engine.get(ColumnFamily.DEFAULT, CrashWriter.key(counter + 1, k)),
                    context + ": batch " + (counter + 1) + " is partly present although the counter says " + counter);
        }
        long keys = 0;
        try (EngineIterator it = engine.newIterator(ColumnFamily.DEFAULT, IterOptions.ALL)) {
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                keys++;
            }
        }
        assertEquals(counter * CrashWriter.KEYS_PER_BATCH, keys, context + ": keys beyond the counter");
    }
}
