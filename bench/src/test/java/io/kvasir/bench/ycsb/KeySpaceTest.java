package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeySpaceTest {

    @Test
    void keysAreSixteenAsciiBytesOfPrefixAndZeroPaddedNumber() {
        assertArrayEquals("user000000000000".getBytes(StandardCharsets.US_ASCII), KeySpace.key(0));
        assertArrayEquals("user000000000042".getBytes(StandardCharsets.US_ASCII), KeySpace.key(42));
        assertArrayEquals("user999999999999".getBytes(StandardCharsets.US_ASCII),
                KeySpace.key(KeySpace.MAX_RECORDS - 1));
        for (long n : new long[] {0, 1, 9, 10, 255, 256, 99_999, 123_456_789_012L}) {
            assertEquals(16, KeySpace.key(n).length);
            assertEquals(n, KeySpace.number(KeySpace.key(n)));
        }
    }

    @Test
    void byteOrderIsNumericOrder() {
        // Across every digit-count boundary, where variable-width numbers would sort wrongly.
        for (long n = 1; n < KeySpace.MAX_RECORDS; n *= 10) {
            assertTrue(Arrays.compareUnsigned(KeySpace.key(n - 1), KeySpace.key(n)) < 0, "at " + n);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long a = random.nextLong(KeySpace.MAX_RECORDS);
            long b = random.nextLong(KeySpace.MAX_RECORDS);
            assertEquals(Long.signum(Long.compare(a, b)),
                    Integer.signum(Arrays.compareUnsigned(KeySpace.key(a), KeySpace.key(b))), a + " vs " + b);
        }
    }

    @Test
    void refusesNumbersOutsideTheSpaceAndForeignKeys() {
        assertThrows(IllegalArgumentException.class, () -> KeySpace.key(-1));
        assertThrows(IllegalArgumentException.class, () -> KeySpace.key(KeySpace.MAX_RECORDS));
        assertThrows(IllegalArgumentException.class,
                () -> KeySpace.number("ycsb000000000001".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class,
                () -> KeySpace.number("user00000000000x".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IllegalArgumentException.class, () -> KeySpace.number(new byte[3]));
    }
}
