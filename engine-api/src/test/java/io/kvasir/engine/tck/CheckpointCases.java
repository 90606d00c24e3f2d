package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.EngineStats;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checkpoints and statistics. */
abstract class CheckpointCases extends EngineCases {

    CheckpointCases(EngineTck suite) {
        super(suite);
    }

    @Test
    void checkpointHoldsTheStateAtItsMoment() {
        putAll(DEFAULT, "a", "1", "b", "2");
        putAll(RAFT, "r", "state");
        Path dir = tmp.resolve("checkpoint");
        engine.checkpoint(dir);
        put(DEFAULT, "a", "changed");
        put(DEFAULT, "c", "new");
        KvEngine copy = factory().open(dir);
        try (copy) {
            assertEquals(Map.of("a", "1", "b", "2"), contents(copy, DEFAULT));
            assertEquals(Map.of("r", "state"), contents(copy, RAFT));
        }
        assertEquals(Map.of("a", "changed", "b", "2", "c", "new"), contents(engine, DEFAULT));
    }

    @Test
    void checkpointRefusesAnExistingDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(dir.resolve("file"), "mine");
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.checkpoint(dir));
        assertEquals("mine", Files.readString(dir.resolve("file")));
    }

    @Test
    void statsAreSaneAndGrowWithData() {
        EngineStats empty = engine.stats();
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < 5_000; i++) {
                batch.put(DEFAULT, b("key" + i), new byte[512]);
            }
            engine.write(batch, WriteOptions.SYNC);
        }
        engine.flush();
        EngineStats full = engine.stats();
        assertTrue(full.totalBytes() > empty.totalBytes(), "total bytes grow: " + empty + " -> " + full);
        assertTrue(full.estimatedKeys() >= 2_500 && full.estimatedKeys() <= 10_000, "estimated keys: " + full.estimatedKeys());
        for (long figure : new long[] {full.pendingCompactionBytes(), full.level0Files(), full.immutableMemtables(),
                full.memtableBytes(), full.runningCompactions(), full.level0CompactionTrigger(), full.level0SlowdownTrigger(),
                full.level0StopTrigger(), full.pendingCompactionSoftLimit(), full.pendingCompactionHardLimit(), full.maxWriteBuffers()}) {
            assertTrue(figure >= 0 || figure == EngineStats.NOT_APPLICABLE, "figure " + figure + " in " + full);
        }
    }
}
