package io.kvasir.txn.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.raft.api.DataKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot reads over hand-written MVCC records, as TiKV lays them out. */
class MvccReaderTest {

    @TempDir
    Path dir;
    KvEngine engine;

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void commit(String key, long startTs, long commitTs, Write.WriteType type, String value) {
        byte[] enc = TxnKeys.encode(b(key));
        try (WriteBatch batch = engine.newWriteBatch()) {
            byte[] shortValue = null;
            if (value != null && value.length() <= Write.SHORT_VALUE_MAX_LEN) {
                shortValue = b(value);
            } else if (value != null) {
                batch.put(ColumnFamily.DEFAULT, DataKeys.data(TxnKeys.withTs(enc, startTs)), b(value));
            }
            batch.put(ColumnFamily.WRITE, DataKeys.data(TxnKeys.withTs(enc, commitTs)),
                    Write.of(type, startTs, shortValue).toBytes());
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    private void lock(String key, Lock lock) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(ColumnFamily.LOCK, DataKeys.data(TxnKeys.encode(b(key))), lock.toBytes());
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    private String get(String key, long ts, Set<Long> resolved) {
        try (Snapshot s = engine.snapshot()) {
            byte[] v = new MvccReader(s).get(b(key), ts, resolved);
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }
    }

    @Test
    void aReadSeesTheNewestCommitAtOrBeforeItsTimestamp() {
        commit("k", 10, 11, Write.WriteType.PUT, "v1");
        commit("k", 20, 21, Write.WriteType.PUT, "x".repeat(300)); // long: in the default CF
        commit("k", 30, 31, Write.WriteType.DELETE, null);
        commit("k", 40, 41, Write.WriteType.LOCK, null);
        commit("k", 50, 50, Write.WriteType.ROLLBACK, null);
        commit("kk", 5, 6, Write.WriteType.PUT, "other key");
        assertNull(get("k", 10, Set.of()));
        assertEquals("v1", get("k", 11, Set.of()), "a commit at exactly the read ts is visible");
        assertEquals("v1", get("k", 20, Set.of()));
        assertEquals("x".repeat(300), get("k", 21, Set.of()));
        assertNull(get("k", 31, Set.of()), "deleted");
        assertNull(get("k", 100, Set.of()), "lock and rollback records are skipped to the delete");
        assertNull(get("j", 100, Set.of()));
        assertEquals("other key", get("kk", 100, Set.of()), "a longer key's versions are not the shorter's");
    }

    @Test
    void aPutOrDeleteLockOfAnOlderTransactionBlocksTheRead() {
        commit("k", 10, 11, Write.WriteType.PUT, "v1");
        lock("k", Lock.of(Lock.LockType.PUT, b("k"), 15, 3000, b("v2")));
        KeyIsLockedException locked = assertThrows(KeyIsLockedException.class, () -> get("k", 20, Set.of()));
        assertEquals(15, locked.lock().startTs());
        assertArrayEquals(b("k"), locked.key());
        assertEquals("v1", get("k", 14, Set.of()), "a lock younger than the read does not matter");
        assertEquals("v1", get("k", 20, Set.of(15L)), "a lock the client resolved is skipped");
        lock("k", Lock.of(Lock.LockType.PUT, b("k"), 15, 3000, b("v2")).withMinCommitTs(25));
        assertEquals("v1", get("k", 20, Set.of()), "its commit can only come after the read");
        lock("k", Lock.of(Lock.LockType.PESSIMISTIC, b("k"), 15, 3000, null).withForUpdateTs(15));
        assertEquals("v1", get("k", 20, Set.of()), "a pessimistic lock hides no value");
    }

    @Test
    void findsWhatATransactionLeftOnAKey() {
        commit("k", 10, 12, Write.WriteType.PUT, "v");
        commit("k", 20, 20, Write.WriteType.ROLLBACK, null);
        try (Snapshot s = engine.snapshot()) {
            MvccReader r = new MvccReader(s);
            assertEquals(12, r.findTxnWrite(b("k"), 10).commitTs());
            assertEquals(Write.WriteType.ROLLBACK, r.findTxnWrite(b("k"), 20).write().type());
            assertNull(r.findTxnWrite(b("k"), 30));
            assertEquals(20, r.seekWrite(b("k"), 25).commitTs());
            assertEquals(12, r.seekDataChange(b("k"), 25).commitTs());
        }
    }
}
