package io.kvasir.engine.lmdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SstWriter;
import io.kvasir.engine.api.WriteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LMDB's own failures arrive as EngineExceptions with the right code and a message that says what to do. */
class LmdbErrorsTest {

    @TempDir
    Path tmp;

    @Test
    void fullReaderTableIsNoSpaceAndClearsWhenSnapshotsClose() {
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), LmdbOptions.DEFAULT.withMaxReaders(8))) {
            engine.put(ColumnFamily.DEFAULT, new byte[] {1}, new byte[] {2}, WriteOptions.NO_SYNC);
            List<Snapshot> snapshots = new ArrayList<>();
            EngineException full = null;
            for (int i = 0; i < 16 && full == null; i++) {
                try {
                    snapshots.add(engine.snapshot());
                } catch (EngineException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "8 reader slots held 16 snapshots?");
            assertEquals(EngineException.Code.NO_SPACE, full.code());
            assertTrue(full.getMessage().contains("lmdb.max-readers"), full.getMessage());
            snapshots.forEach(Snapshot::close);
            assertArrayEquals(new byte[] {2}, engine.get(ColumnFamily.DEFAULT, new byte[] {1}));
            engine.snapshot().close();
        }
    }

    @Test
    void sortedFileOfAnotherColumnFamilyIngestsIntoTheRequestedOne() {
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), LmdbOptions.DEFAULT)) {
            Path file = tmp.resolve("f.sst");
            try (SstWriter writer = engine.newSstWriter(ColumnFamily.LOCK, file)) {
                writer.put(new byte[] {1}, new byte[] {1});
                writer.delete(new byte[] {2});
                writer.finish();
            }
            engine.put(ColumnFamily.WRITE, new byte[] {2}, new byte[] {9}, WriteOptions.NO_SYNC);
            engine.ingest(ColumnFamily.WRITE, List.of(file));
            assertArrayEquals(new byte[] {1}, engine.get(ColumnFamily.WRITE, new byte[] {1}));
            assertEquals(null, engine.get(ColumnFamily.WRITE, new byte[] {2}));
        }
    }

    @Test
    void aSnapshotFileIsNotASortedFile() throws Exception {
        try (LmdbEngine engine = LmdbEngine.open(tmp.resolve("db"), LmdbOptions.DEFAULT)) {
            engine.put(ColumnFamily.DEFAULT, new byte[] {1}, new byte[] {1}, WriteOptions.NO_SYNC);
            Path dir = tmp.resolve("snap");
            try (Snapshot snapshot = engine.snapshot()) {
                engine.exportSnapshot(snapshot, io.kvasir.engine.api.KeyRange.ALL, List.of(ColumnFamily.DEFAULT), dir);
            }
            Path file;
            try (var files = Files.list(dir)) {
                file = files.findFirst().orElseThrow();
            }
            EngineException e = assertThrows(EngineException.class, () -> engine.ingest(ColumnFamily.DEFAULT, List.of(file)));
            assertEquals(EngineException.Code.CORRUPTION, e.code(), e.getMessage());
        }
    }

    @Test
    void openingAFileAsTheEngineDirectoryIsAnIoError() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        EngineException e = assertThrows(EngineException.class, () -> LmdbEngine.open(notADir, LmdbOptions.DEFAULT));
        assertEquals(EngineException.Code.IO, e.code(), e.getMessage());
    }
}
