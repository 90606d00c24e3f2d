package io.kvasir.bench.titan;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Incompressible values cut from a 64 MiB block of random bytes at random offsets: cheap to make,
 * and no two neighbours in an SST block or blob file repeat each other, so LZ4 cannot shrink
 * RocksDB's files below what a real workload of random values would take.
 */
final class ValuePool {
    private static final int SIZE = 64 << 20;
    private final byte[] random = new byte[SIZE];

    ValuePool(long seed) {
        new SplittableRandom(seed).nextBytes(random);
    }

    byte[] value(SplittableRandom picker, int size) {
        int from = picker.nextInt(SIZE - size);
        return Arrays.copyOfRange(random, from, from + size);
    }
}
