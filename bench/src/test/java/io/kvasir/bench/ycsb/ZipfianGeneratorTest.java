package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {

    private static final int DRAWS = 200_000;

    @Test
    void zetaOfSmallCounts() {
        assertEquals(1.0, ZipfianGenerator.zeta(1, 0.99), 1e-12);
        assertEquals(1 + Math.pow(2, -0.99), ZipfianGenerator.zeta(2, 0.99), 1e-12);
        assertEquals(1 + 1 / Math.sqrt(2) + 1 / Math.sqrt(3), ZipfianGenerator.zeta(3, 0.5), 1e-12);
    }

    @Test
    void headRanksAreDrawnWithTheirExactProbability() {
        ZipfianGenerator g = new ZipfianGenerator(100_000);
        long[] counts = draw(g, 5);
        // Ranks 0 and 1 are drawn exactly by Gray et al.'s method; the tail approximately.
        for (int rank = 0; rank < 2; rank++) {
            double observed = counts[rank] / (double) DRAWS;
            assertEquals(g.probability(rank), observed, 0.005, "rank " + rank);
        }
        assertTrue(counts[0] > counts[1] && counts[1] > counts[2] && counts[2] > counts[10],
                "popularity falls with rank");
    }

    @Test
    void topOnePercentOfRanksTakeAboutTheirZipfianShare() {
        ZipfianGenerator g = new ZipfianGenerator(100_000);
        long[] counts = draw(g, 9);
        double expected = 0;
        long observed = 0;
        for (int rank = 0; rank < 1000; rank++) {
            expected += g.probability(rank);
            observed += counts[rank];
        }
        double share = observed / (double) DRAWS;
        // zeta(1000, 0.99) / zeta(100000, 0.99) is about 0.6: the top 1 % takes most of the load.
        assertTrue(expected > 0.55 && expected < 0.65, "expected share " + expected);
        assertEquals(expected, share, 0.03, "share of the top 1 %");
        // And the bottom half of the ranks gets little.
        long bottom = 0;
        for (int rank = 50_000; rank < 100_000; rank++) {
            bottom += counts[rank];
        }
        assertTrue(bottom / (double) DRAWS < 0.1, "bottom half took " + bottom);
    }

    @Test
    void drawsStayInRangeAndRepeatWithTheSeed() {
        for (long items : new long[] {1, 2, 3, 10, 1000}) {
            ZipfianGenerator g = new ZipfianGenerator(items);
            SplittableRandom a = new SplittableRandom(21);
            SplittableRandom b = new SplittableRandom(21);
            for (int i = 0; i < 20_000; i++) {
                long r = g.next(a);
                assertTrue(r >= 0 && r < items, r + " outside [0, " + items + ")");
                assertEquals(r, g.next(b));
            }
        }
    }

    @Test
    void twoItemsSplitByTheirWeights() {
        ZipfianGenerator g = new ZipfianGenerator(2);
        long[] counts = new long[2];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < DRAWS; i++) {
            counts[(int) g.next(random)]++;
        }
        assertEquals(1 / (1 + Math.pow(2, -0.99)), counts[0] / (double) DRAWS, 0.005);
    }

    @Test
    void refusesBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(0));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianGenerator(10, 0));
    }

    private static long[] draw(ZipfianGenerator g, long seed) {
        long[] counts = new long[(int) g.items()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < DRAWS; i++) {
            counts[(int) g.next(random)]++;
        }
        return counts;
    }
}
