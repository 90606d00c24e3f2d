package io.kvasir.bench.titan;

/** The {@code index}-th key: 16 bytes scattered over the key space by a bijection of the index. */
final class Keys {

    private Keys() {
    }

    static void fill(byte[] key, long index) {
        putLong(key, 0, mix(index));
        putLong(key, 8, mix(index ^ 0x5eed));
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
