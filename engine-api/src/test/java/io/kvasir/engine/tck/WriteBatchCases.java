package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Atomic write batches: ordering, delete-range, reuse, validation. */
abstract class WriteBatchCases extends EngineCases {

    WriteBatchCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void batchSpansColumnFamilies() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("d"), b("1"));
            batch.put(LOCK, b("l"), b("2"));
            batch.put(WRITE, b("w"), b("3"));
            batch.put(RAFT, b("r"), b("4"));
            assertEquals(4, batch.count());
            engine.write(batch, WriteOptions.SYNC);
        }
        assertValue(DEFAULT, "d", "1");
        assertValue(LOCK, "l", "2");
        assertValue(WRITE, "w", "3");
        assertValue(RAFT, "r", "4");
    }

    @Test
    void nothingIsVisibleBeforeTheBatchIsWritten() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("k"), b("v"));
            assertAbsent(DEFAULT, "k");
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertValue(DEFAULT, "k", "v");
    }

    @Test
    void operationsApplyInTheOrderAdded() {
        putAll(DEFAULT, "a", "old", "b", "old", "c", "old");
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("b"), b("doomed"));
            batch.deleteRange(DEFAULT, b("a"), b("c"));
            batch.put(DEFAULT, b("a"), b("new"));
            batch.delete(DEFAULT, b("c"));
            batch.put(DEFAULT, b("c"), b("again"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertEquals(Map.of("a", "new", "c", "again"), contents(engine, DEFAULT));
    }

    @Test
    void deleteRangeIsHalfOpenAndLeavesOtherColumnFamiliesAlone() {
        putAll(DEFAULT, "a", "1", "b", "2", "c", "3", "d", "4");
        putAll(WRITE, "b", "w");
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.deleteRange(DEFAULT, b("b"), b("d"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertEquals(Map.of("a", "1", "d", "4"), contents(engine, DEFAULT));
        assertValue(WRITE, "b", "w");
    }

    @Test
    void deleteRangeThenRePut() {
        putAll(DEFAULT, "k1", "1", "k2", "2", "k3", "3");
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.deleteRange(DEFAULT, b("k"), b("l"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertEquals(Map.of(), contents(engine, DEFAULT));
        putAll(DEFAULT, "k2", "again");
        assertEquals(Map.of("k2", "again"), contents(engine, DEFAULT));
        reopen();
        assertEquals(Map.of("k2", "again"), contents(engine, DEFAULT));
    }

    @Test
    void emptyDeleteRangeDeletesNothing() {
        putAll(DEFAULT, "k", "v");
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.deleteRange(DEFAULT, b("k"), b("k"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertValue(DEFAULT, "k", "v");
    }

    @Test
    void invertedDeleteRangeIsRefusedAndLeavesTheBatchUnchanged() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("x"), b("1"));
            assertEngineError(Code.INVALID_ARGUMENT, () -> batch.deleteRange(DEFAULT, b("z"), b("a")));
            assertEquals(1, batch.count());
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertValue(DEFAULT, "x", "1");
    }

    @Test
    void batchIsReusableAfterClearAndCanBeWrittenTwice() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("a"), b("1"));
            assertTrue(batch.dataSize() >= 2);
            engine.write(batch, WriteOptions.NO_SYNC);
            engine.write(batch, WriteOptions.NO_SYNC);
            batch.clear();
            assertTrue(batch.isEmpty());
            assertEquals(0, batch.count());
            batch.put(DEFAULT, b("b"), b("2"));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        assertEquals(Map.of("a", "1", "b", "2"), contents(engine, DEFAULT));
    }

    @Test
    void emptyBatchWriteIsANoOp() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            engine.write(batch, WriteOptions.SYNC);
        }
        assertEquals(Map.of(), contents(engine, DEFAULT));
    }

    @Test
    void batchFromAnotherEngineIsRefused() {
        KvEngine other = open(factory(), "other");
        try (WriteBatch foreign = other.newWriteBatch()) {
            foreign.put(DEFAULT, b("k"), b("v"));
            assertEngineError(Code.INVALID_ARGUMENT, () -> engine.write(foreign, WriteOptions.NO_SYNC));
        }
        assertAbsent(DEFAULT, "k");
    }

    @Test
    void closedBatchCannotBeUsed() {
        WriteBatch batch = engine.newWriteBatch();
        batch.put(DEFAULT, b("k"), b("v"));
        batch.close();
        batch.close();
        assertEngineError(Code.CLOSED, () -> batch.put(DEFAULT, b("x"), b("y")));
        assertEngineError(Code.CLOSED, () -> engine.write(batch, WriteOptions.NO_SYNC));
        assertAbsent(DEFAULT, "k");
    }

    @Test
    void largeBatchOfManyKeys() {
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < 20_000; i++) {
                batch.put(DEFAULT, b(String.format("key%06d", i)), b("value" + i));
            }
            engine.write(batch, WriteOptions.SYNC);
        }
        assertValue(DEFAULT, "key000000", "value0");
        assertValue(DEFAULT, "key019999", "value19999");
        assertEquals(20_000, keys(engine, DEFAULT, io.kvasir.engine.api.IterOptions.ALL).size());
    }
}
