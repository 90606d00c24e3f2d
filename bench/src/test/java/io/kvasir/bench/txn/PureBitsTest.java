package io.kvasir.bench.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.bench.ycsb.Distribution;
import io.kvasir.bench.ycsb.KeySpace;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The small pure pieces: options, key choice, counter values, transaction kinds, engine log lines. */
class PureBitsTest {

    @Test
    void flagsTakeBothFormsAndRefuseWhatTheyDoNotKnow() {
        Flags f = Flags.parse(new String[] {"--pd", "h:1", "--threads=16,64"}, Set.of("pd", "threads", "seed"));
        assertEquals("h:1", f.required("pd"));
        assertEquals(List.of(16, 64), f.integers("threads", "1", 1));
        assertEquals(7, f.number("seed", 7, 0));
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--thread", "1"}, Set.of("threads")));
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--pd"}, Set.of("pd")));
        assertThrows(IllegalArgumentException.class, () -> f.integers("threads", "", 32));
    }

    @Test
    void aTransactionsKeysAreDistinctEvenUnderAHotZipfian() {
        KeyPicker picker = new KeyPicker(Distribution.ZIPFIAN.overRecords(10), 10, 4);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            Set<String> keys = new HashSet<>();
            picker.pick(random).forEach(k -> keys.add(KeySpace.describe(k)));
            assertEquals(4, keys.size());
        }
        assertThrows(IllegalArgumentException.class, () -> new KeyPicker(Distribution.UNIFORM.overRecords(3), 3, 4));
    }

    @Test
    void aCounterValueKeepsItsCounterAndSize() {
        byte[] v = CounterValue.of(41, 100);
        assertEquals(100, v.length);
        assertEquals(41, CounterValue.read(v));
        assertEquals(0, CounterValue.read(null));
        assertEquals(0, CounterValue.read(new byte[3]));
        assertArrayEquals(CounterValue.of(1, 8), CounterValue.of(1, 2), "never shorter than the counter");
    }

    @Test
    void transactionKindsParseFromTheirFlags() {
        for (TxnKind k : TxnKind.values()) {
            assertEquals(k, TxnKind.parse(k.flag()));
        }
        assertEquals("pessimistic, 4 keys", TxnKind.PESSIMISTIC_4.label());
        assertThrows(IllegalArgumentException.class, () -> TxnKind.parse("opt2"));
    }

    @Test
    void rocksDbStallLinesAreSortedByKindAndReason() {
        assertEquals("stop: level-0 files", EngineLogScan.classify(
                "... [WARN] [/column_family.cc:1046] [kvasir.default] Stopping writes because we have 9 level-0 files"));
        assertEquals("slowdown: level-0 files", EngineLogScan.classify(
                "[kvasir.raft] Stalling writes because we have 6 level-0 files rate 16777216"));
        assertEquals("stop: memtables", EngineLogScan.classify(
                "Stopping writes because we have 3 immutable memtables (waiting for flush), max_write_buffer_number is set to 3"));
        assertEquals("slowdown: pending compaction bytes", EngineLogScan.classify(
                "Stalling writes because of estimated pending compaction bytes 123 rate 1"));
        assertNull(EngineLogScan.classify("[default] Level summary: files[4 0 0 0 0 0 3]"));
    }
}
