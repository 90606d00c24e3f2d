package io.kvasir.bench.ycsb;

import java.util.random.RandomGenerator;

/**
 * Draws numbers from a fixed distribution. Implementations are immutable and take the random source
 * per call, so one instance serves every thread and each thread's seed alone fixes its draws.
 */
public interface NumberGenerator {

    long next(RandomGenerator random);
}
