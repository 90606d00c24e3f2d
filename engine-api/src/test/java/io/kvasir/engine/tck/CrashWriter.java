package io.kvasir.engine.tck;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link CrashCases}: writes synced batches until it is killed, printing
 * {@code ACK n} after batch {@code n} is acknowledged. Batch {@code n} puts {@link #KEYS_PER_BATCH}
 * keys in {@code default} and sets the counter in {@code raft} to {@code n}, so after a crash the
 * counter says which batches must be whole and which must be absent.
 *
 * <p>Usage: {@code CrashWriter <KvEngineFactory class> <engine dir> <seed>}
 */
public final class CrashWriter {
    static final int KEYS_PER_BATCH = 16;
    static final byte[] COUNTER = "counter".getBytes(StandardCharsets.UTF_8);

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        KvEngineFactory factory = (KvEngineFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        KvEngine engine = factory.open(Path.of(args[1]));
        long next = counter(engine) + 1;
        System.out.println("READY " + next);
        System.out.flush();
        while (true) {
            try (WriteBatch batch = engine.newWriteBatch()) {
                for (int k = 0; k < KEYS_PER_BATCH; k++) {
                    batch.put(ColumnFamily.DEFAULT, key(next, k), value(next, k, Long.parseLong(args[2])));
                }
                batch.put(ColumnFamily.RAFT, COUNTER, Long.toString(next).getBytes(StandardCharsets.UTF_8));
                engine.write(batch, WriteOptions.SYNC);
            }
            System.out.println("ACK " + next);
            System.out.flush();
            next++;
        }
    }

    static long counter(KvEngine engine) {
        byte[] value = engine.get(ColumnFamily.RAFT, COUNTER);
        return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.UTF_8));
    }

    static byte[] key(long batch, int k) {
        return String.format("b%08d-%02d", batch, k).getBytes(StandardCharsets.UTF_8);
    }

    /** Sizes vary from a few bytes to 64 KiB so that batches straddle pages, blocks and WAL records. */
    static byte[] value(long batch, int k, long seed) {
        Random random = new Random(seed * 1_000_003 + batch * 31 + k);
        byte[] value = new byte[8 + random.nextInt(random.nextInt(8) == 0 ? 65_536 : 256)];
        random.nextBytes(value);
        return value;
    }
}
