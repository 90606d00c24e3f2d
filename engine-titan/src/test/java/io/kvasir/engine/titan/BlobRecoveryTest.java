package io.kvasir.engine.titan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.titan.LsmValue.BlobHandle;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blob files a crash left unsealed are scanned, cut at their last whole record, and sealed. */
class BlobRecoveryTest {
    private static final ColumnFamily CF = ColumnFamily.WRITE;

    @TempDir
    Path tmp;

    /** Appends {@code n} records and flushes them without sealing; returns their handles. The store is then closed as a crash would leave it. */
    private static List<BlobHandle> writeUnsealed(Path dir, int n, Path copyTo) throws Exception {
        List<BlobHandle> handles = new ArrayList<>();
        BlobStore store = BlobStore.open(dir, 1 << 20);
        BlobStore.Appends appends = new BlobStore.Appends();
        for (int i = 0; i < n; i++) {
            handles.add(store.append(CF, TestValues.key(i), TestValues.value(1, i, 0, 100 + 700 * i), appends));
        }
        store.prepareWrite(false);
        // The unsealed file as a crash leaves it: copied before close() seals the original.
        Files.createDirectories(copyTo);
        Path file = dir.resolve(BlobFormat.fileName(handles.get(0).fileNumber()));
        Files.copy(file, copyTo.resolve(file.getFileName()));
        appends.release();
        store.close();
        return handles;
    }

    private static byte[] read(BlobStore store, BlobHandle handle, int k) {
        return store.read(handle, CF, TestValues.key(k));
    }

    @Test
    void tornTailIsCutAndTheFileSealed() throws Exception {
        Path crashed = tmp.resolve("crashed");
        List<BlobHandle> handles = writeUnsealed(tmp.resolve("live"), 5, crashed);
        Path file = crashed.resolve(BlobFormat.fileName(handles.get(0).fileNumber()));
        long wholeLength = Files.size(file);
        // The last record is cut short, as by a kill in the middle of its write.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(wholeLength - 10);
        }
        try (BlobStore store = BlobStore.open(crashed, 1 << 20)) {
            for (int k = 0; k < 4; k++) {
                assertArrayEquals(TestValues.value(1, k, 0, 100 + 700 * k), read(store, handles.get(k), k));
            }
            assertThrows(EngineException.class, () -> read(store, handles.get(4), 4));
        }
        long sealedLength = Files.size(file);
        byte[] trailer = Arrays.copyOfRange(Files.readAllBytes(file), (int) sealedLength - BlobFormat.TRAILER_SIZE, (int) sealedLength);
        BlobFormat.Trailer parsed = BlobFormat.parseTrailer(trailer, sealedLength);
        assertNotNull(parsed, "the recovered file is sealed");
        assertEquals(4, parsed.count());
        assertEquals(handles.get(4).offset(), parsed.tableOffset(), "cut right after the last whole record");
        // A second open finds a sealed file and changes nothing.
        try (BlobStore store = BlobStore.open(crashed, 1 << 20)) {
            assertArrayEquals(TestValues.value(1, 3, 0, 2200), read(store, handles.get(3), 3));
        }
        assertEquals(sealedLength, Files.size(file));
    }

    @Test
    void garbageAfterTheLastRecordIsCut() throws Exception {
        Path crashed = tmp.resolve("crashed");
        List<BlobHandle> handles = writeUnsealed(tmp.resolve("live"), 3, crashed);
        Path file = crashed.resolve(BlobFormat.fileName(handles.get(0).fileNumber()));
        byte[] junk = new byte[300];
        Arrays.fill(junk, (byte) 0x5A);
        Files.write(file, junk, java.nio.file.StandardOpenOption.APPEND);
        try (BlobStore store = BlobStore.open(crashed, 1 << 20)) {
            for (int k = 0; k < 3; k++) {
                assertArrayEquals(TestValues.value(1, k, 0, 100 + 700 * k), read(store, handles.get(k), k));
            }
        }
    }

    @Test
    void aFileWithoutAWholeRecordOrHeaderIsDeleted() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blobs"));
        Files.write(dir.resolve(BlobFormat.fileName(1)), new byte[7]);
        byte[] headerOnly = Arrays.copyOf(BlobFormat.header(2), BlobFormat.HEADER_SIZE + 3);
        Files.write(dir.resolve(BlobFormat.fileName(2)), headerOnly);
        try (BlobStore store = BlobStore.open(dir, 1 << 20)) {
            assertTrue(store.isEmpty());
        }
        assertFalse(Files.exists(dir.resolve(BlobFormat.fileName(1))));
        assertFalse(Files.exists(dir.resolve(BlobFormat.fileName(2))));
    }

    @Test
    void aFileWithAForeignHeaderIsReportedNotTouched() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("blobs"));
        byte[] other = BlobFormat.header(9);
        Files.write(dir.resolve(BlobFormat.fileName(3)), Arrays.copyOf(other, 100));
        EngineException e = assertThrows(EngineException.class, () -> BlobStore.open(dir, 1 << 20));
        assertEquals(EngineException.Code.CORRUPTION, e.code());
        assertEquals(100, Files.size(dir.resolve(BlobFormat.fileName(3))));
    }

    @Test
    void aDamagedRecordIsReportedAsCorruption() throws Exception {
        Path dir = tmp.resolve("blobs");
        List<BlobHandle> handles = new ArrayList<>();
        try (BlobStore store = BlobStore.open(dir, 1 << 20)) {
            BlobStore.Appends appends = new BlobStore.Appends();
            handles.add(store.append(CF, TestValues.key(0), TestValues.value(2, 0, 0, 5000), appends));
            appends.release();
        }
        Path file = dir.resolve(BlobFormat.fileName(handles.get(0).fileNumber()));
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) handles.get(0).offset() + 2000] ^= 1;
        Files.write(file, bytes);
        try (BlobStore store = BlobStore.open(dir, 1 << 20)) {
            EngineException e = assertThrows(EngineException.class, () -> read(store, handles.get(0), 0));
            assertEquals(EngineException.Code.CORRUPTION, e.code(), e.getMessage());
            EngineException wrongKey = assertThrows(EngineException.class, () -> store.read(handles.get(0), CF, TestValues.key(1)));
            assertEquals(EngineException.Code.CORRUPTION, wrongKey.code(), wrongKey.getMessage());
        }
    }

    @Test
    void lsmValuesRoundTrip() {
        BlobHandle handle = new BlobHandle(123_456_789L, 1L << 29, 70_000);
        byte[] raw = handle.encode();
        assertTrue(LsmValue.isBlob(raw));
        assertEquals(handle, LsmValue.decode(raw));
        assertEquals(70_000, LsmValue.valueLength(raw));
        byte[] plain = {1, 2, 3};
        assertSame(plain, LsmValue.inline(plain), "a value without a tag byte is stored as it is");
        assertSame(plain, LsmValue.inlineValue(plain));
        for (byte tag : new byte[] {LsmValue.BLOB, LsmValue.ESCAPE}) {
            byte[] tagged = {tag, 9};
            byte[] stored = LsmValue.inline(tagged);
            assertFalse(LsmValue.isBlob(stored));
            assertEquals(2, LsmValue.valueLength(stored));
            assertArrayEquals(tagged, LsmValue.inlineValue(stored));
        }
        assertFalse(LsmValue.isBlob(new byte[0]));
        assertEquals(0, LsmValue.inlineValue(LsmValue.inline(new byte[0])).length);
        assertEquals(EngineException.Code.CORRUPTION,
                assertThrows(EngineException.class, () -> LsmValue.decode(new byte[] {LsmValue.BLOB, (byte) 0x80})).code());
    }
}
