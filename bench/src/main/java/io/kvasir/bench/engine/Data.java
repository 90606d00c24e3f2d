package io.kvasir.bench.engine;

import java.util.SplittableRandom;

/**
 * Keys and values of the workloads: 16-byte keys, 100-byte values, all from seeded generators so
 * that every target sees the same sequence.
 */
final class Data {
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 100;
    static final long SEED = 0x6b766173697200L;

    private Data() {
    }

    static byte[] randomKey(SplittableRandom random) {
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        return key;
    }

    /** A fresh random value: values that repeat would let LZ4 shrink RocksDB's files unrealistically. */
    static byte[] randomValue(SplittableRandom random) {
        byte[] value = new byte[VALUE_BYTES];
        random.nextBytes(value);
        return value;
    }

    /**
     * The {@code index}-th preloaded key: scattered over the keyspace, distinct for distinct indexes
     * (the first eight bytes are a bijection of the index), and recomputed rather than stored.
     */
    static byte[] preloadedKey(long index) {
        byte[] key = new byte[KEY_BYTES];
        putLong(key, 0, mix(index));
        putLong(key, 8, mix(index ^ SEED));
        return key;
    }

    /** SplitMix64's finalizer, a bijection on longs. */
    private static long mix(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static void putLong(byte[] bytes, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            bytes[offset + i] = (byte) (value >>> (56 - 8 * i));
        }
    }
}
