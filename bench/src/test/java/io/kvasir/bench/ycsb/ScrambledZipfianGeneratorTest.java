package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ScrambledZipfianGeneratorTest {

    private static final int RECORDS = 100_000;
    private static final int DRAWS = 200_000;

    @Test
    void hotRecordsAreSpreadOverTheKeySpace() {
        ScrambledZipfianGenerator g = new ScrambledZipfianGenerator(RECORDS);
        int[] perDecile = new int[10];
        TreeSet<Long> hot = new TreeSet<>();
        for (long rank = 0; rank < 100; rank++) {
            long record = g.recordOfRank(rank);
            hot.add(record);
            perDecile[(int) (record * 10 / RECORDS)]++;
        }
        assertEquals(100, hot.size());
        for (int d = 0; d < 10; d++) {
            assertTrue(perDecile[d] >= 2 && perDecile[d] <= 25,
                    "decile " + d + " holds " + perDecile[d] + " of the 100 hottest: " + Arrays.toString(perDecile));
        }
        // Unscrambled, the hottest ten would be records 0..9, one region and one scan.
        for (long rank = 0; rank < 10; rank++) {
            long record = g.recordOfRank(rank);
            Long next = hot.higher(record);
            assertTrue(next == null || next - record > 1, "hot records " + record + " and " + next + " adjacent");
        }
        assertTrue(hot.last() - hot.first() > RECORDS / 2);
    }

    @Test
    void skewIsThatOfTheUnscrambledZipfian() {
        ScrambledZipfianGenerator g = new ScrambledZipfianGenerator(RECORDS);
        ZipfianGenerator ranks = new ZipfianGenerator(RECORDS);
        long[] counts = new long[RECORDS];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < DRAWS; i++) {
            long record = g.next(random);
            assertTrue(record >= 0 && record < RECORDS);
            counts[(int) record]++;
        }
        long hottest = 0;
        for (int r = 1; r < RECORDS; r++) {
            if (counts[r] > counts[(int) hottest]) {
                hottest = r;
            }
        }
        assertEquals(g.recordOfRank(0), hottest);
        assertEquals(ranks.probability(0), counts[(int) hottest] / (double) DRAWS, 0.005);

        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        long topOnePercent = 0;
        for (int i = RECORDS - RECORDS / 100; i < RECORDS; i++) {
            topOnePercent += sorted[i];
        }
        double expected = 0;
        for (int rank = 0; rank < RECORDS / 100; rank++) {
            expected += ranks.probability(rank);
        }
        assertEquals(expected, topOnePercent / (double) DRAWS, 0.03, "share of the 1 % most drawn records");
    }
}
