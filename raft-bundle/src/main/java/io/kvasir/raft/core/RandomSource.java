package io.kvasir.raft.core;

import java.util.SplittableRandom;

/**
 * The only randomness the core uses: the randomized election timeout. It is injected so that a
 * simulation can pin it to a seed and replay a run exactly (STYLE rule 2; Kafka's
 * {@code MockableRandom} rather than etcd's global RNG).
 */
@FunctionalInterface
public interface RandomSource {

    /** Returns a uniformly distributed int in {@code [0, bound)}; {@code bound} is positive. */
    int nextInt(int bound);

    /** A source that replays the same sequence for the same seed. */
    static RandomSource seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return random::nextInt;
    }
}
