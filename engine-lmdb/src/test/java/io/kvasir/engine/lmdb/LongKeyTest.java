package io.kvasir.engine.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys are stored behind a one-byte prefix, so the empty key works and the longest key is 510
 * bytes; range bounds of 511 bytes ({@code key + 0x00}) cannot be given to LMDB and are handled by
 * a truncated seek plus a skip in Java.
 */
class LongKeyTest {
    private static final ColumnFamily CF = ColumnFamily.WRITE;

    @TempDir
    Path tmp;

    private static byte[] filled(int length, int fill) {
        byte[] key = new byte[length];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void limitIsLmdbsLessThePrefix() {
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT)) {
            assertEquals(510, engine.limits().maxKeySize());
        }
    }

    @Test
    void boundsOneByteLongerThanTheLongestKey() {
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT)) {
            byte[] max = filled(510, 1);
            byte[] bound = Keys.next(max);
            byte[] below = filled(509, 1);
            byte[] above = filled(510, 1);
            above[509] = 2;
            for (byte[] key : new byte[][] {below, max, above}) {
                engine.put(CF, key, key.clone(), WriteOptions.NO_SYNC);
            }
            try (EngineIterator it = engine.newIterator(CF, IterOptions.range(null, bound))) {
                assertTrue(it.seekToLast());
                assertArrayEquals(max, it.key(), "the upper bound max+0x00 keeps max");
                assertTrue(it.seekForPrev(bound));
                assertArrayEquals(max, it.key());
            }
            try (EngineIterator it = engine.newIterator(CF, IterOptions.range(bound, null))) {
                assertTrue(it.seekToFirst());
                assertArrayEquals(above, it.key(), "the lower bound max+0x00 skips max");
                assertFalse(it.prev());
            }
            try (EngineIterator it = engine.newIterator(CF)) {
                assertTrue(it.seek(bound));
                assertArrayEquals(above, it.key());
                assertTrue(it.seekForPrev(bound));
                assertArrayEquals(max, it.key());
                assertTrue(it.seek(filled(511, 1)), "a 511-byte target whose prefix is stored");
                assertArrayEquals(above, it.key());
            }
            try (WriteBatch batch = engine.newWriteBatch()) {
                batch.deleteRange(CF, max, bound);
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            assertNull(engine.get(CF, max));
            assertArrayEquals(below, engine.get(CF, below));
            assertArrayEquals(above, engine.get(CF, above));
            try (WriteBatch batch = engine.newWriteBatch()) {
                batch.deleteRange(CF, bound, Keys.next(above));
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            assertNull(engine.get(CF, above));
            assertArrayEquals(below, engine.get(CF, below));
        }
    }

    @Test
    void emptyKeySortsFirstAndSurvivesReopen() {
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT)) {
            engine.put(CF, new byte[] {0}, new byte[] {2}, WriteOptions.NO_SYNC);
            engine.put(CF, new byte[0], new byte[] {1}, WriteOptions.SYNC);
        }
        try (LmdbEngine engine = LmdbEngine.open(tmp, LmdbOptions.DEFAULT);
             EngineIterator it = engine.newIterator(CF)) {
            assertTrue(it.seekToFirst());
            assertArrayEquals(new byte[0], it.key());
            assertArrayEquals(new byte[] {1}, it.value());
            assertTrue(it.next());
            assertArrayEquals(new byte[] {0}, it.key());
        }
    }

    /** The stored-key comparison agrees with unsigned array order, prefixes and high bytes included. */
    @Test
    void storedKeyComparisonMatchesUnsignedOrder() {
        long seed = Long.getLong("kvasir.test.seed", System.nanoTime());
        Random random = new Random(seed);
        LmdbKeys keys = new LmdbKeys(511);
        for (int i = 0; i < 10_000; i++) {
            byte[] a = randomKey(random);
            byte[] b = random.nextInt(4) == 0 ? Arrays.copyOf(a, Math.max(0, a.length - 1)) : randomKey(random);
            ByteBuffer stored = keys.encode(a);
            int expected = Integer.signum(Arrays.compareUnsigned(a, b));
            assertEquals(expected, Integer.signum(LmdbKeys.compare(stored, b)), "seed " + seed + ", case " + i);
            assertArrayEquals(a, LmdbKeys.decode(stored), "seed " + seed);
        }
    }

    private static byte[] randomKey(Random random) {
        byte[] key = new byte[random.nextInt(6)];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (random.nextBoolean() ? 0xFF - random.nextInt(2) : random.nextInt(2));
        }
        return key;
    }
}
