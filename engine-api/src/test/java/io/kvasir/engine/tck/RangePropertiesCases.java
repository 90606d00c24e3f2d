package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Range size estimates and split keys. Estimates may be approximate, so the checks allow a
 * factor of three either way: enough to catch a unit error or a wrong range, which is what breaks
 * a split checker.
 */
abstract class RangePropertiesCases extends EngineCases {
    private static final int KEYS = 10_000;
    private static final int VALUE_SIZE = 200;
    private static final List<ColumnFamily> DEFAULT_ONLY = List.of(ColumnFamily.DEFAULT);

    RangePropertiesCases(EngineTck suite) {
        super(suite);
    }

    /** Keys k00000..k09999 with incompressible values, flushed so estimates see them. */
    private void load() {
        Random random = new Random(42);
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < KEYS; i++) {
                byte[] value = new byte[VALUE_SIZE];
                random.nextBytes(value);
                batch.put(DEFAULT, b(String.format("k%05d", i)), value);
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        engine.flush();
    }

    private static void assertWithinFactorOfThree(long expected, long actual, String what) {
        assertTrue(actual >= expected / 3 && actual <= expected * 3,
                what + ": expected about " + expected + ", estimated " + actual);
    }

    @Test
    void estimatesOfTheWholeRange() {
        load();
        long bytes = (long) KEYS * (6 + VALUE_SIZE);
        assertWithinFactorOfThree(bytes, engine.approximateSize(KeyRange.ALL, DEFAULT_ONLY), "size");
        assertWithinFactorOfThree(KEYS, engine.approximateKeys(KeyRange.ALL, DEFAULT_ONLY), "keys");
    }

    @Test
    void estimatesOfAPartOfTheRange() {
        load();
        KeyRange quarter = KeyRange.of(b("k02500"), b("k05000"));
        assertWithinFactorOfThree(KEYS / 4, engine.approximateKeys(quarter, DEFAULT_ONLY), "keys of a quarter");
        assertWithinFactorOfThree((long) KEYS / 4 * (6 + VALUE_SIZE), engine.approximateSize(quarter, DEFAULT_ONLY), "size of a quarter");
    }

    @Test
    void emptyRangeAndEmptyColumnFamilyEstimateNearZero() {
        load();
        KeyRange beyond = KeyRange.of(b("x"), b("y"));
        assertTrue(engine.approximateKeys(beyond, DEFAULT_ONLY) < 50);
        assertTrue(engine.approximateSize(beyond, DEFAULT_ONLY) < 10_000);
        assertTrue(engine.approximateKeys(KeyRange.ALL, List.of(ColumnFamily.LOCK)) < 50);
    }

    @Test
    void splitKeysCutTheRangeIntoPiecesOfTheRequestedSize() {
        load();
        long total = (long) KEYS * (6 + VALUE_SIZE);
        List<byte[]> splits = engine.splitKeys(KeyRange.ALL, SplitPolicy.pieces(total / 10, Long.MAX_VALUE / 2), DEFAULT_ONLY);
        assertTrue(splits.size() >= 4 && splits.size() <= 20, "expected about 9 split keys, got " + splits.size());
        for (int i = 1; i < splits.size(); i++) {
            assertTrue(Keys.compare(splits.get(i - 1), splits.get(i)) < 0, "split keys ascend");
        }
        assertTrue(Keys.compare(splits.get(0), b("k00000")) > 0, "split keys lie strictly inside the range");
    }

    @Test
    void splitKeysByKeyCountStayInsideASubRange() {
        load();
        KeyRange half = KeyRange.of(b("k05000"), new byte[0]);
        List<byte[]> splits = engine.splitKeys(half, SplitPolicy.pieces(Long.MAX_VALUE / 2, 1_000), DEFAULT_ONLY);
        assertTrue(splits.size() >= 2 && splits.size() <= 10, "expected about 4 split keys, got " + splits.size());
        for (byte[] key : splits) {
            assertTrue(half.contains(key) && Keys.compare(key, b("k05000")) > 0, "split key " + s(key) + " outside the range");
        }
    }

    @Test
    void smallRangeNeedsNoSplit() {
        load();
        assertEquals(List.of(), engine.splitKeys(KeyRange.ALL, SplitPolicy.TIKV_DEFAULT, DEFAULT_ONLY));
    }
}
