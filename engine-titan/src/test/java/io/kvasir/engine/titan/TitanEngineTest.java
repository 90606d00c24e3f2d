package io.kvasir.engine.titan;

import static io.kvasir.engine.titan.TestValues.key;
import static io.kvasir.engine.titan.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SnapshotManifest;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.engine.api.SstWriter;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the TCK cannot see: where values go, and that sizes, ingestion and transfers count and separate them. */
class TitanEngineTest {
    private static final ColumnFamily CF = ColumnFamily.DEFAULT;
    private static final List<ColumnFamily> DEFAULT_ONLY = List.of(CF);

    @TempDir
    Path tmp;

    private TitanEngine open(String name) {
        return TitanEngine.open(tmp.resolve(name), TitanOptions.defaults().withGcInterval(Duration.ZERO));
    }

    @Test
    void valuesFromTheMinimumSizeUpGoToBlobFilesAndSmallerOnesStayInline() {
        try (TitanEngine engine = open("titan")) {
            engine.put(CF, key(1), new byte[1023], WriteOptions.NO_SYNC);
            assertEquals(0, engine.blobBytes());
            engine.put(CF, key(2), value(1, 2, 0, 1024), WriteOptions.NO_SYNC);
            assertTrue(engine.blobBytes() >= 1024);
            byte[] small = engine.lsm().get(CF, key(1));
            byte[] large = engine.lsm().get(CF, key(2));
            assertFalse(LsmValue.isBlob(small));
            assertTrue(LsmValue.isBlob(large));
            assertTrue(large.length < 16, "the LSM holds a small index: " + large.length + " bytes");
            assertArrayEquals(value(1, 2, 0, 1024), engine.get(CF, key(2)));
        }
    }

    /** Small values are stored as they are, except those whose first byte is one of the LSM's tags. */
    @Test
    void smallValuesStartingWithATagByteRoundTripEverywhere() {
        byte[][] values = {{LsmValue.BLOB}, {LsmValue.ESCAPE}, {LsmValue.BLOB, 1, 2}, {LsmValue.ESCAPE, LsmValue.BLOB}, {}, {0}};
        Path dir = tmp.resolve("titan");
        try (TitanEngine engine = open("titan")) {
            try (WriteBatch batch = engine.newWriteBatch()) {
                for (int k = 0; k < values.length; k++) {
                    batch.put(CF, key(k), values[k]);
                }
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            engine.put(ColumnFamily.LOCK, key(0), values[0], WriteOptions.NO_SYNC);
            Path file = tmp.resolve("tags.sst");
            try (SstWriter writer = engine.newSstWriter(ColumnFamily.WRITE, file)) {
                for (int k = 0; k < values.length; k++) {
                    writer.put(key(k), values[k]);
                }
                writer.finish();
            }
            engine.ingest(ColumnFamily.WRITE, List.of(file));
            try (Snapshot snapshot = engine.snapshot(); io.kvasir.engine.api.EngineIterator it = engine.newIterator(CF)) {
                int k = 0;
                for (boolean ok = it.seekToFirst(); ok; ok = it.next(), k++) {
                    assertArrayEquals(values[k], it.value(), "iterator, value " + k);
                    assertArrayEquals(values[k], snapshot.get(CF, key(k)), "snapshot, value " + k);
                    assertArrayEquals(values[k], engine.get(ColumnFamily.WRITE, key(k)), "ingested, value " + k);
                }
                assertEquals(values.length, k);
            }
            assertArrayEquals(values[0], engine.get(ColumnFamily.LOCK, key(0)));
            assertEquals(0, engine.blobBytes());
        }
        try (TitanEngine engine = TitanEngine.open(dir, TitanOptions.defaults().withGcInterval(Duration.ZERO))) {
            for (int k = 0; k < values.length; k++) {
                assertArrayEquals(values[k], engine.get(CF, key(k)), "after reopening, value " + k);
            }
        }
    }

    @Test
    void aMemtableFlushSyncsTheBlobsItsIndexesPointAt() {
        try (TitanEngine engine = open("titan")) {
            engine.put(CF, key(1), value(1, 1, 0, 50_000), WriteOptions.NO_SYNC);
            assertTrue(engine.blobs().unsyncedBytes() > 0);
            // The LSM engine's own flush, as RocksDB runs it when a memtable fills: the listener syncs first.
            engine.lsm().flush();
            assertEquals(0, engine.blobs().unsyncedBytes());
            engine.put(CF, key(2), value(1, 2, 0, 50_000), WriteOptions.NO_SYNC);
            engine.put(CF, key(3), new byte[] {3}, WriteOptions.SYNC);
            assertEquals(0, engine.blobs().unsyncedBytes(), "a synced write makes every earlier blob durable");
        }
    }

    @Test
    void sizeEstimatesAndSplitKeysCountBlobValues() {
        try (TitanEngine engine = open("titan")) {
            try (WriteBatch batch = engine.newWriteBatch()) {
                for (int k = 0; k < 2_000; k++) {
                    batch.put(CF, key(k), value(5, k, 0, 16 << 10));
                }
                engine.write(batch, WriteOptions.NO_SYNC);
            }
            engine.flush();
            long total = 2_000L * (16 << 10);
            long estimate = engine.approximateSize(KeyRange.ALL, DEFAULT_ONLY);
            assertTrue(estimate > total * 0.9 && estimate < total * 1.5, "estimate " + estimate + " for " + total);
            long half = engine.approximateSize(KeyRange.of(key(0), key(1_000)), DEFAULT_ONLY);
            assertTrue(half > total * 0.45 && half < total * 0.75, "half estimate " + half);
            List<byte[]> splits = engine.splitKeys(KeyRange.ALL, SplitPolicy.pieces(total / 4, Long.MAX_VALUE / 2), DEFAULT_ONLY);
            assertEquals(3, splits.size(), "pieces of a quarter");
            assertArrayEquals(key(500), splits.get(0));
        }
    }

    @Test
    void ingestionSeparatesLargeValuesAndAppliesDeletions() {
        try (TitanEngine engine = open("titan")) {
            engine.put(CF, key(2), new byte[] {2}, WriteOptions.NO_SYNC);
            Path file = tmp.resolve("load.sst");
            try (SstWriter writer = engine.newSstWriter(CF, file)) {
                writer.put(key(1), value(6, 1, 0, 40_000));
                writer.delete(key(2));
                writer.put(key(3), new byte[] {3});
                writer.finish();
            }
            engine.ingest(CF, List.of(file));
            assertArrayEquals(value(6, 1, 0, 40_000), engine.get(CF, key(1)));
            assertNull(engine.get(CF, key(2)));
            assertArrayEquals(new byte[] {3}, engine.get(CF, key(3)));
            assertTrue(LsmValue.isBlob(engine.lsm().get(CF, key(1))), "the ingested large value went to a blob file");
            assertTrue(engine.blobBytes() >= 40_000);
        }
    }

    @Test
    void aRegionFromRocksdbImportsWithItsLargeValuesSeparatedAndGoesBackWhole() {
        try (TitanEngine titan = open("titan");
             KvEngine rocks = RocksDbEngine.open(tmp.resolve("rocks"), RocksDbOptions.defaults());
             KvEngine back = RocksDbEngine.open(tmp.resolve("back"), RocksDbOptions.defaults())) {
            for (int k = 0; k < 100; k++) {
                rocks.put(CF, key(k), value(7, k, 0, k % 2 == 0 ? 100 : 20_000), WriteOptions.NO_SYNC);
            }
            SnapshotManifest there;
            try (Snapshot snapshot = rocks.snapshot()) {
                there = rocks.exportSnapshot(snapshot, KeyRange.ALL, ColumnFamily.DATA, tmp.resolve("there"));
            }
            titan.importSnapshot(there);
            assertTrue(titan.blobBytes() >= 50L * 20_000, "large values were separated on import");
            assertFalse(LsmValue.isBlob(titan.lsm().get(CF, key(0))));
            assertTrue(LsmValue.isBlob(titan.lsm().get(CF, key(1))));
            SnapshotManifest again;
            try (Snapshot snapshot = titan.snapshot()) {
                again = titan.exportSnapshot(snapshot, KeyRange.ALL, ColumnFamily.DATA, tmp.resolve("again"));
            }
            back.importSnapshot(again);
            for (int k = 0; k < 100; k++) {
                assertArrayEquals(value(7, k, 0, k % 2 == 0 ? 100 : 20_000), back.get(CF, key(k)), "key " + k);
            }
        }
    }

    @Test
    void aCheckpointCopiesTheActiveBlobFileAndOpensOnItsOwn() {
        Path checkpoint = tmp.resolve("checkpoint");
        try (TitanEngine engine = open("titan")) {
            engine.put(CF, key(1), value(8, 1, 0, 30_000), WriteOptions.NO_SYNC);
            engine.checkpoint(checkpoint);
            engine.put(CF, key(1), value(8, 1, 1, 30_000), WriteOptions.NO_SYNC);
            engine.put(CF, key(2), value(8, 2, 1, 30_000), WriteOptions.NO_SYNC);
        }
        try (TitanEngine copy = TitanEngine.open(checkpoint, TitanOptions.defaults().withGcInterval(Duration.ZERO))) {
            assertArrayEquals(value(8, 1, 0, 30_000), copy.get(CF, key(1)));
            assertNull(copy.get(CF, key(2)));
        }
        try (TitanEngine engine = open("titan")) {
            assertArrayEquals(value(8, 1, 1, 30_000), engine.get(CF, key(1)));
        }
    }
}
