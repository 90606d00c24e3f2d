package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error and changes nothing; a closed engine refuses everything. */
abstract class BadInputCases extends EngineCases {

    BadInputCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void nullsAreRefused() {
        putAll(DEFAULT, "k", "v");
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.get(DEFAULT, null));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.get(null, b("k")));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.put(DEFAULT, null, b("v"), WriteOptions.NO_SYNC));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.put(DEFAULT, b("k"), null, WriteOptions.NO_SYNC));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.put(null, b("k"), b("v"), WriteOptions.NO_SYNC));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.delete(DEFAULT, null, WriteOptions.NO_SYNC));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.newIterator(null, IterOptions.ALL));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.write(null, WriteOptions.NO_SYNC));
        try (WriteBatch batch = engine.newWriteBatch()) {
            assertEngineError(Code.INVALID_ARGUMENT, () -> batch.put(DEFAULT, b("x"), null));
            assertEngineError(Code.INVALID_ARGUMENT, () -> batch.deleteRange(DEFAULT, null, b("x")));
            assertEquals(0, batch.count());
        }
        assertEquals(Map.of("k", "v"), contents(engine, DEFAULT));
    }

    @Test
    void oversizeKeysAreRefusedEverywhere() {
        putAll(DEFAULT, "k", "v");
        byte[] huge = new byte[engine.limits().maxKeySize() + 1];
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.put(DEFAULT, huge, b("v"), WriteOptions.NO_SYNC));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.get(DEFAULT, huge));
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.delete(DEFAULT, huge, WriteOptions.NO_SYNC));
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(DEFAULT, b("ok"), b("1"));
            assertEngineError(Code.INVALID_ARGUMENT, () -> batch.put(DEFAULT, huge, b("v")));
            assertEquals(1, batch.count());
        }
        assertEquals(Map.of("k", "v"), contents(engine, DEFAULT));
    }

    @Test
    void oversizeValuesAreRefused() {
        int max = engine.limits().maxValueSize();
        if (max > (256 << 20)) {
            throw new AssertionError("a value limit above 256 MiB cannot be tested here and is too large to be safe: " + max);
        }
        byte[] huge = new byte[max + 1];
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.put(DEFAULT, b("k"), huge, WriteOptions.NO_SYNC));
        engine.put(DEFAULT, b("k"), new byte[Math.min(max, 16 << 20)], WriteOptions.NO_SYNC);
        assertEquals(Math.min(max, 16 << 20), engine.get(DEFAULT, b("k")).length);
    }

    @Test
    void invertedRangesAreRefused() {
        assertEngineError(Code.INVALID_ARGUMENT, () -> IterOptions.range(b("z"), b("a")));
        assertEngineError(Code.INVALID_ARGUMENT, () -> KeyRange.of(b("z"), b("a")));
        assertEngineError(Code.INVALID_ARGUMENT, () -> new SplitPolicy(1, 2, 1, 1));
    }

    @Test
    void closedEngineRefusesEverything() {
        putAll(DEFAULT, "k", "v");
        WriteBatch batch = engine.newWriteBatch();
        batch.put(DEFAULT, b("x"), b("y"));
        engine.close();
        engine.close();
        assertEngineError(Code.CLOSED, () -> engine.get(DEFAULT, b("k")));
        assertEngineError(Code.CLOSED, () -> engine.put(DEFAULT, b("k"), b("v"), WriteOptions.NO_SYNC));
        assertEngineError(Code.CLOSED, () -> engine.write(batch, WriteOptions.NO_SYNC));
        assertEngineError(Code.CLOSED, engine::newWriteBatch);
        assertEngineError(Code.CLOSED, () -> engine.newIterator(DEFAULT));
        assertEngineError(Code.CLOSED, engine::snapshot);
        assertEngineError(Code.CLOSED, engine::flush);
        assertEngineError(Code.CLOSED, engine::stats);
        assertEngineError(Code.CLOSED, () -> engine.approximateSize(KeyRange.ALL, List.of(DEFAULT)));
        assertEngineError(Code.CLOSED, () -> engine.checkpoint(tmp.resolve("cp")));
        batch.close();
        reopen();
        assertEquals(Map.of("k", "v"), contents(engine, DEFAULT));
    }

    @Test
    void secondOpenOfAnOpenDirectoryFailsAndTheFirstKeepsWorking() {
        putAll(DEFAULT, "k", "v");
        assertThrows(io.kvasir.engine.api.EngineException.class, () -> factory().open(engine.path()).close());
        put(DEFAULT, "k2", "v2");
        assertEquals(Map.of("k", "v", "k2", "v2"), contents(engine, DEFAULT));
        reopen();
        assertEquals(Map.of("k", "v", "k2", "v2"), contents(engine, DEFAULT));
    }
}
