package io.kvasir.bench.ycsb;

import java.util.random.RandomGenerator;

/**
 * Zipfian popularity (theta 0.99) with the popular records spread over the key space instead of
 * packed at its start, as YCSB's ScrambledZipfianGenerator does: otherwise the hot records would
 * share one region and a scan from a hot key would always meet the next hot keys.
 *
 * <p>YCSB draws a rank from a zipfian over 10^10 items and hashes it modulo the record count, so
 * ranks collide and the head flattens a little. Here the rank is drawn over exactly the record
 * count and mapped through a bijection ({@link FeistelPermutation}), so every record has exactly the
 * popularity zipfian(records, 0.99) gives its rank.
 */
final class ScrambledZipfianGenerator implements NumberGenerator {

    private final ZipfianGenerator ranks;
    private final FeistelPermutation scramble;

    ScrambledZipfianGenerator(long items) {
        this.ranks = new ZipfianGenerator(items);
        this.scramble = new FeistelPermutation(items);
    }

    /** The record number that has popularity rank {@code rank}. */
    long recordOfRank(long rank) {
        return scramble.apply(rank);
    }

    @Override
    public long next(RandomGenerator random) {
        return scramble.apply(ranks.next(random));
    }
}
