package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UniformGeneratorTest {

    @Test
    void drawsEveryValueOfTheInclusiveRangeEvenly() {
        UniformGenerator g = new UniformGenerator(1, 10);
        SplittableRandom random = new SplittableRandom(3);
        int[] counts = new int[11];
        for (int i = 0; i < 100_000; i++) {
            counts[(int) g.next(random)]++;
        }
        assertEquals(0, counts[0]);
        for (int v = 1; v <= 10; v++) {
            assertTrue(Math.abs(counts[v] - 10_000) < 500, "value " + v + " drawn " + counts[v] + " times");
        }
    }

    @Test
    void sameSeedSameDraws() {
        UniformGenerator g = new UniformGenerator(0, 1_000_000);
        SplittableRandom a = new SplittableRandom(11);
        SplittableRandom b = new SplittableRandom(11);
        for (int i = 0; i < 1000; i++) {
            assertEquals(g.next(a), g.next(b));
        }
    }

    @Test
    void singleValueAndEmptyRange() {
        assertEquals(5, new UniformGenerator(5, 5).next(new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new UniformGenerator(2, 1));
    }
}
