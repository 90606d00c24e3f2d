package io.kvasir.bench.ycsb;

import java.util.random.RandomGenerator;

/**
 * Zipfian over the ranks {@code [0, items)}: rank {@code r} is drawn with probability proportional
 * to {@code 1 / (r + 1)^theta}, so rank 0 is the most popular. YCSB's constant is {@code theta =
 * 0.99} ({@link #YCSB_THETA}). Draws in O(1) by the inversion of Gray et al., "Quickly Generating
 * Billion-Record Synthetic Databases" (SIGMOD 1994), the method YCSB's generator uses too: ranks 0
 * and 1 exactly, the tail through a closed-form approximation of the inverse CDF. Setting up costs
 * O(items) for zeta(items, theta), about 10 ms per million items.
 *
 * <p>Unlike YCSB's generator the item count is fixed: workload E's inserts land outside the drawn
 * range (see {@link WorkloadRunner}).
 */
final class ZipfianGenerator implements NumberGenerator {

    static final double YCSB_THETA = 0.99;

    private final long items;
    private final double theta;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    /** {@code 1 + 0.5^theta}: below it (times zeta(n)) the draw is rank 1. */
    private final double rankOneBound;

    ZipfianGenerator(long items, double theta) {
        if (items < 1) {
            throw new IllegalArgumentException("zipfian over " + items + " items");
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("zipfian theta " + theta + " is outside (0, 1)");
        }
        this.items = items;
        this.theta = theta;
        this.zetaN = zeta(items, theta);
        this.alpha = 1 / (1 - theta);
        this.rankOneBound = 1 + Math.pow(0.5, theta);
        double zeta2 = zeta(2, theta);
        // Gray et al.'s eta; undefined (0/0) for fewer than three items, where it is never used.
        this.eta = items > 2 ? (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN) : 0;
    }

    ZipfianGenerator(long items) {
        this(items, YCSB_THETA);
    }

    /** zeta(n, theta) = sum over i in [1, n] of 1 / i^theta. */
    static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    long items() {
        return items;
    }

    /** The exact probability of {@code rank}, for checking the draws. */
    double probability(long rank) {
        return 1 / Math.pow(rank + 1, theta) / zetaN;
    }

    @Override
    public long next(RandomGenerator random) {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < rankOneBound || items <= 2) {
            return Math.min(1, items - 1);
        }
        long rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        // The approximation can land on items itself when u is close to 1.
        return Math.min(rank, items - 1);
    }
}
