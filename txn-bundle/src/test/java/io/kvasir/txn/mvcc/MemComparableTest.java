package io.kvasir.txn.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.raft.api.MemComparable;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemComparableTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void encodesAsTiKVDoes() {
        assertArrayEquals(hex("0000000000000000 f7"), MemComparable.encode(new byte[0]));
        assertArrayEquals(hex("0102030000000000 fa"), MemComparable.encode(new byte[] {1, 2, 3}));
        assertArrayEquals(hex("0102030405060708 ff 0000000000000000 f7"),
                MemComparable.encode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertEquals(18, MemComparable.encodedLength(8));
    }

    @Test
    void decodingReturnsTheKeyAndWhereItsEncodingEnds() {
        byte[] withTs = TxnKeys.withTs(MemComparable.encode("abcdefghij".getBytes()), 42);
        MemComparable.Decoded d = MemComparable.decode(withTs);
        assertArrayEquals("abcdefghij".getBytes(), d.key());
        assertEquals(18, d.consumed());
        assertEquals(42, TxnKeys.ts(withTs));
        assertArrayEquals(MemComparable.encode("abcdefghij".getBytes()), TxnKeys.withoutTs(withTs));
    }

    @Test
    void invalidEncodingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(hex("01020300")));
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(hex("0102030000000000 f0")));
        assertThrows(IllegalArgumentException.class, () -> MemComparable.decode(hex("0102030000000001 fa")));
    }

    @Test
    void encodedKeysSortLikeTheKeysAndVersionsSortNewestFirst() {
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] a = new byte[random.nextInt(20)];
            byte[] b = new byte[random.nextInt(20)];
            random.nextBytes(a);
            random.nextBytes(b);
            int plain = Integer.signum(Arrays.compareUnsigned(a, b));
            assertEquals(plain, Integer.signum(Arrays.compareUnsigned(MemComparable.encode(a), MemComparable.encode(b))),
                    Arrays.toString(a) + " vs " + Arrays.toString(b));
            assertArrayEquals(a, MemComparable.decode(MemComparable.encode(a)).key());
            if (plain != 0) {
                // A version of the smaller key sorts before any version of the larger, whatever the ts.
                byte[] va = TxnKeys.withTs(MemComparable.encode(a), random.nextLong() >>> 1);
                byte[] vb = TxnKeys.withTs(MemComparable.encode(b), random.nextLong() >>> 1);
                assertEquals(plain, Integer.signum(Arrays.compareUnsigned(va, vb)));
            }
        }
        byte[] k = MemComparable.encode("k".getBytes());
        assertTrue(Arrays.compareUnsigned(TxnKeys.withTs(k, 20), TxnKeys.withTs(k, 10)) < 0, "newer versions first");
    }
}
