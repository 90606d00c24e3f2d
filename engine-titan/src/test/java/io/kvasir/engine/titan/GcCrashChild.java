package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link GcCrashTest}: a writer thread overwrites the same {@link #KEYS} keys
 * in synced batches, printing {@code ACK n} after batch {@code n}; the main thread runs blob GC in
 * a loop. At the {@code occurrence}-th time GC reaches {@code point}, the GC thread prints
 * {@code PAUSE} and stops there for good, while the writer goes on, until the parent kills the
 * process. So the kill lands at a chosen step of GC, with writes in flight.
 *
 * <p>Usage: {@code GcCrashChild <engine dir> <seed> <GcObserver.Point> <occurrence>}
 */
public final class GcCrashChild {
    static final int KEYS = 24;
    static final byte[] COUNTER = "counter".getBytes(StandardCharsets.UTF_8);

    private GcCrashChild() {
    }

    /** Small files and a low GC threshold, so that GC has work after every few batches. */
    static TitanOptions options() {
        return TitanOptions.defaults()
                .withMinBlobSize(64)
                .withBlobFileSize(64 << 10)
                .withDiscardableRatio(0.3)
                .withGcInterval(Duration.ZERO);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        GcObserver.Point pauseAt = GcObserver.Point.valueOf(args[2]);
        int occurrence = Integer.parseInt(args[3]);
        TitanEngine engine = TitanEngine.open(dir, options());
        CountDownLatch never = new CountDownLatch(1);
        int[] seen = new int[1];
        engine.gcObserver((point, file) -> {
            if (point == pauseAt && ++seen[0] == occurrence) {
                System.out.println("PAUSE " + point + " " + file);
                System.out.flush();
                while (true) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        // Stay paused: only the parent's SIGKILL ends this.
                    }
                }
            }
        });
        Thread writer = new Thread(() -> write(engine, seed), "writer");
        writer.setDaemon(true);
        System.out.println("READY " + counter(engine));
        System.out.flush();
        writer.start();
        while (true) {
            engine.gc();
        }
    }

    private static void write(TitanEngine engine, long seed) {
        for (long n = counter(engine) + 1; ; n++) {
            try (WriteBatch batch = engine.newWriteBatch()) {
                for (int k = 0; k < KEYS; k++) {
                    batch.put(ColumnFamily.DEFAULT, TestValues.key(k), value(seed, n, k));
                }
                batch.put(ColumnFamily.RAFT, COUNTER, Long.toString(n).getBytes(StandardCharsets.UTF_8));
                engine.write(batch, WriteOptions.SYNC);
            }
            System.out.println("ACK " + n);
            System.out.flush();
        }
    }

    static long counter(TitanEngine engine) {
        byte[] value = engine.get(ColumnFamily.RAFT, COUNTER);
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.UTF_8));
    }

    /** From 8 bytes (inline) to 4 KiB (blob). */
    static byte[] value(long seed, long batch, int k) {
        Random random = new Random(seed * 1_000_003L + batch * 31 + k);
        return TestValues.value(seed, k, batch, 8 + random.nextInt(4096));
    }
}
