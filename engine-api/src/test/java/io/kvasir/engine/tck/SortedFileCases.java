package io.kvasir.engine.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineException.Code;
import io.kvasir.engine.api.SstFileInfo;
import io.kvasir.engine.api.SstWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sorted-file writing and ingestion. */
abstract class SortedFileCases extends EngineCases {

    SortedFileCases(EngineTck suite) {
        super(suite);
    }

    private Path file(String name) {
        return tmp.resolve(name + ".sst");
    }

    private Path writeFile(String name, String... keyValues) {
        Path path = file(name);
        try (SstWriter writer = engine.newSstWriter(DEFAULT, path)) {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (keyValues[i + 1] == null) {
                    writer.delete(b(keyValues[i]));
                } else {
                    writer.put(b(keyValues[i]), b(keyValues[i + 1]));
                }
            }
            SstFileInfo info = writer.finish();
            assertEquals(keyValues.length / 2, info.entries());
            assertArrayEquals(b(keyValues[0]), info.smallestKey());
            assertArrayEquals(b(keyValues[keyValues.length - 2]), info.largestKey());
            assertTrue(info.fileSize() > 0);
        }
        return path;
    }

    @Test
    void ingestIntoAnEmptyEngine() {
        Path sst = writeFile("a", "k1", "v1", "k2", "v2", "k3", "v3");
        engine.ingest(DEFAULT, List.of(sst));
        assertEquals(Map.of("k1", "v1", "k2", "v2", "k3", "v3"), contents(engine, DEFAULT));
        assertTrue(Files.exists(sst), "ingestion copies the file and leaves it in place");
        reopen();
        assertEquals(3, contents(engine, DEFAULT).size());
    }

    @Test
    void ingestedDataOverridesOverlappingKeysAndLeavesOthersAlone() {
        putAll(DEFAULT, "a", "old", "k1", "old", "k2", "old", "z", "old");
        putAll(WRITE, "k1", "other-cf");
        Path sst = writeFile("b", "k1", "new", "k15", "new", "k2", null);
        engine.ingest(DEFAULT, List.of(sst));
        assertEquals(Map.of("a", "old", "k1", "new", "k15", "new", "z", "old"), contents(engine, DEFAULT));
        assertValue(WRITE, "k1", "other-cf");
    }

    @Test
    void ingestSeveralDisjointFiles() {
        Path first = writeFile("1", "a", "1", "b", "2");
        Path second = writeFile("2", "c", "3", "d", "4");
        engine.ingest(DEFAULT, List.of(first, second));
        assertEquals(Map.of("a", "1", "b", "2", "c", "3", "d", "4"), contents(engine, DEFAULT));
    }

    @Test
    void overlappingFilesAreRefusedAndNothingChanges() {
        putAll(DEFAULT, "b", "old");
        Path first = writeFile("1", "a", "1", "c", "2");
        Path second = writeFile("2", "b", "3", "d", "4");
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.ingest(DEFAULT, List.of(first, second)));
        assertEquals(Map.of("b", "old"), contents(engine, DEFAULT));
    }

    @Test
    void keysOutOfOrderAreRefusedAndTheWriterStaysUsable() {
        try (SstWriter writer = engine.newSstWriter(DEFAULT, file("order"))) {
            writer.put(b("b"), b("1"));
            assertEngineError(Code.INVALID_ARGUMENT, () -> writer.put(b("a"), b("2")));
            assertEngineError(Code.INVALID_ARGUMENT, () -> writer.put(b("b"), b("3")));
            writer.put(b("c"), b("4"));
            assertEquals(2, writer.finish().entries());
        }
    }

    @Test
    void emptyFileCannotBeFinished() {
        try (SstWriter writer = engine.newSstWriter(DEFAULT, file("empty"))) {
            assertEngineError(Code.INVALID_ARGUMENT, writer::finish);
        }
    }

    @Test
    void closingWithoutFinishingLeavesNoFile() {
        Path path = file("abandoned");
        try (SstWriter writer = engine.newSstWriter(DEFAULT, path)) {
            writer.put(b("a"), b("1"));
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void writerRefusesAnExistingPath() throws Exception {
        Path path = Files.writeString(file("exists"), "not an sst");
        assertEngineError(Code.INVALID_ARGUMENT, () -> engine.newSstWriter(DEFAULT, path).close());
        assertEquals("not an sst", Files.readString(path));
    }

    @Test
    void missingOrCorruptFileIsRefusedAndNothingChanges() throws Exception {
        putAll(DEFAULT, "k", "old");
        EngineTckAssertions.assertFailsWithoutChange(engine, DEFAULT,
                () -> engine.ingest(DEFAULT, List.of(tmp.resolve("missing.sst"))));
        Path garbage = Files.write(file("garbage"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        EngineTckAssertions.assertFailsWithoutChange(engine, DEFAULT, () -> engine.ingest(DEFAULT, List.of(garbage)));
        assertValue(DEFAULT, "k", "old");
    }

    @Test
    void ingestIntoAnotherColumnFamily() {
        Path path = file("lock");
        try (SstWriter writer = engine.newSstWriter(LOCK, path)) {
            writer.put(b("l"), b("lock"));
            writer.finish();
        }
        engine.ingest(LOCK, List.of(path));
        assertValue(LOCK, "l", "lock");
        assertAbsent(DEFAULT, "l");
    }
}
