package io.kvasir.bench.ycsb;

import java.util.random.RandomGenerator;

/** Uniform over {@code [min, max]}, both inclusive. */
record UniformGenerator(long min, long max) implements NumberGenerator {

    UniformGenerator {
        if (min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
    }

    @Override
    public long next(RandomGenerator random) {
        return min == max ? min : random.nextLong(min, max + 1);
    }
}
