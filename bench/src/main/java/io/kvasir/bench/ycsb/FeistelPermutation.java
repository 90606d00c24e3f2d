package io.kvasir.bench.ycsb;

/**
 * A fixed pseudo-random bijection of {@code [0, size)}: a balanced four-round Feistel network over
 * the smallest even number of bits that holds {@code size - 1}, cycle-walked back into the range
 * (Black and Rogaway, "Ciphers with Arbitrary Finite Domains", 2002). The domain is under four
 * times {@code size}, so a value takes fewer than four encryptions on average. Round keys are
 * constants: the same record numbers are hot in every run, so runs compare.
 */
final class FeistelPermutation {

    private static final long[] ROUND_KEYS = {
        0x2545f4914f6cdd1dL, 0x9e3779b97f4a7c15L, 0xd6e8feb86659fd93L, 0x5851f42d4c957f2dL,
    };

    private final long size;
    private final int halfBits;
    private final long halfMask;

    FeistelPermutation(long size) {
        if (size < 1) {
            throw new IllegalArgumentException("permutation of " + size + " values");
        }
        this.size = size;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
        bits += bits & 1;
        this.halfBits = bits / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    long apply(long value) {
        if (value < 0 || value >= size) {
            throw new IllegalArgumentException("value " + value + " is outside [0, " + size + ")");
        }
        long x = value;
        do {
            x = encrypt(x);
        } while (x >= size);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (long key : ROUND_KEYS) {
            long next = left ^ (mix(right ^ key) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
