package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.WriteOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Point puts, gets and deletes. */
abstract class PointCases extends EngineCases {

    PointCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void absentKeyReadsAsNull() {
        assertNull(engine.get(DEFAULT, b("nothing")));
    }

    @Test
    void putThenGetInEveryColumnFamily() {
        for (ColumnFamily cf : ColumnFamily.values()) {
            put(cf, "k", "v-" + cf.cfName());
        }
        for (ColumnFamily cf : ColumnFamily.values()) {
            assertValue(cf, "k", "v-" + cf.cfName());
        }
    }

    @Test
    void columnFamiliesAreIndependent() {
        put(LOCK, "k", "lock");
        assertAbsent(DEFAULT, "k");
        assertAbsent(WRITE, "k");
        engine.delete(DEFAULT, b("k"), WriteOptions.NO_SYNC);
        assertValue(LOCK, "k", "lock");
    }

    @Test
    void overwriteReplacesTheValue() {
        put(DEFAULT, "k", "one");
        put(DEFAULT, "k", "two");
        assertValue(DEFAULT, "k", "two");
    }

    @Test
    void deleteRemovesAndDeletingAnAbsentKeySucceeds() {
        put(DEFAULT, "k", "v");
        engine.delete(DEFAULT, b("k"), WriteOptions.SYNC);
        assertAbsent(DEFAULT, "k");
        engine.delete(DEFAULT, b("never-there"), WriteOptions.SYNC);
        assertAbsent(DEFAULT, "never-there");
    }

    @Test
    void emptyValueIsPresentAndDistinctFromAbsent() {
        engine.put(DEFAULT, b("k"), new byte[0], WriteOptions.NO_SYNC);
        byte[] value = engine.get(DEFAULT, b("k"));
        assertNotNull(value);
        assertEquals(0, value.length);
    }

    @Test
    void emptyKeyIsAnOrdinaryKey() {
        engine.put(DEFAULT, new byte[0], b("empty-key"), WriteOptions.NO_SYNC);
        put(DEFAULT, "a", "a");
        assertEquals("empty-key", s(engine.get(DEFAULT, new byte[0])));
        assertEquals("", keys(engine, DEFAULT, io.kvasir.engine.api.IterOptions.ALL).get(0));
        engine.delete(DEFAULT, new byte[0], WriteOptions.NO_SYNC);
        assertNull(engine.get(DEFAULT, new byte[0]));
    }

    @Test
    void keysDifferingOnlyInTheLastByteAreDistinct() {
        byte[] k1 = {1, 2, 3, 0};
        byte[] k2 = {1, 2, 3, 1};
        byte[] k3 = {1, 2, 3, (byte) 0xFF};
        byte[] prefix = {1, 2, 3};
        engine.put(DEFAULT, k1, b("zero"), WriteOptions.NO_SYNC);
        engine.put(DEFAULT, k2, b("one"), WriteOptions.NO_SYNC);
        engine.put(DEFAULT, k3, b("ff"), WriteOptions.NO_SYNC);
        assertEquals("zero", s(engine.get(DEFAULT, k1)));
        assertEquals("one", s(engine.get(DEFAULT, k2)));
        assertEquals("ff", s(engine.get(DEFAULT, k3)));
        assertNull(engine.get(DEFAULT, prefix));
    }

    @Test
    void keysOfTheLargestAllowedSizeWork() {
        int max = engine.limits().maxKeySize();
        byte[] a = new byte[max];
        byte[] b = new byte[max];
        b[max - 1] = 1;
        engine.put(DEFAULT, a, b("a"), WriteOptions.NO_SYNC);
        engine.put(DEFAULT, b, b("b"), WriteOptions.NO_SYNC);
        assertEquals("a", s(engine.get(DEFAULT, a)));
        assertEquals("b", s(engine.get(DEFAULT, b)));
    }

    @Test
    void binaryKeysAndValuesRoundTrip() {
        Random random = new Random(7);
        byte[] key = new byte[64];
        byte[] value = new byte[4096];
        random.nextBytes(key);
        random.nextBytes(value);
        key[0] = 0;
        value[0] = (byte) 0xFF;
        engine.put(DEFAULT, key, value, WriteOptions.NO_SYNC);
        assertArrayEquals(value, engine.get(DEFAULT, key));
    }

    @Test
    void largeValuesOfOneAndEightMebibytes() {
        for (int size : new int[] {1 << 20, 8 << 20}) {
            byte[] value = new byte[size];
            new Random(size).nextBytes(value);
            engine.put(DEFAULT, b("big-" + size), value, WriteOptions.SYNC);
            assertArrayEquals(value, engine.get(DEFAULT, b("big-" + size)), "value of " + size + " bytes");
        }
        reopen();
        assertEquals(8 << 20, engine.get(DEFAULT, b("big-" + (8 << 20))).length);
    }

    @Test
    void returnedArraysAreCopies() {
        put(DEFAULT, "k", "value");
        byte[] first = engine.get(DEFAULT, b("k"));
        first[0] = 'X';
        assertValue(DEFAULT, "k", "value");
    }

    @Test
    void callerMayReuseItsArraysAfterAWrite() {
        byte[] key = b("key");
        byte[] value = b("value");
        engine.put(DEFAULT, key, value, WriteOptions.NO_SYNC);
        key[0] = 'X';
        value[0] = 'X';
        assertValue(DEFAULT, "key", "value");
    }

    @Test
    void dataSurvivesReopen() {
        put(DEFAULT, "a", "1");
        engine.put(RAFT, b("r"), b("2"), WriteOptions.SYNC);
        reopen();
        assertValue(DEFAULT, "a", "1");
        assertValue(RAFT, "r", "2");
    }
}
