package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class FeistelPermutationTest {

    @Test
    void isABijectionOfTheRange() {
        for (long size : new long[] {1, 2, 3, 4, 5, 7, 16, 17, 1000, 4096, 4097, 100_003}) {
            FeistelPermutation p = new FeistelPermutation(size);
            BitSet seen = new BitSet((int) size);
            for (long v = 0; v < size; v++) {
                long image = p.apply(v);
                assertTrue(image >= 0 && image < size, "image " + image + " of " + v + " outside " + size);
                assertFalse(seen.get((int) image), "image " + image + " twice, size " + size);
                seen.set((int) image);
            }
            assertEquals(size, seen.cardinality());
        }
    }

    @Test
    void movesAlmostEveryValueAndIsFixed() {
        FeistelPermutation p = new FeistelPermutation(100_000);
        FeistelPermutation again = new FeistelPermutation(100_000);
        int fixed = 0;
        for (long v = 0; v < 100_000; v++) {
            fixed += p.apply(v) == v ? 1 : 0;
            assertEquals(p.apply(v), again.apply(v));
        }
        assertTrue(fixed < 100, fixed + " fixed points");
    }

    @Test
    void refusesValuesOutsideTheRange() {
        FeistelPermutation p = new FeistelPermutation(10);
        assertThrows(IllegalArgumentException.class, () -> p.apply(10));
        assertThrows(IllegalArgumentException.class, () -> p.apply(-1));
        assertThrows(IllegalArgumentException.class, () -> new FeistelPermutation(0));
    }
}
