package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.Keys;
import java.nio.ByteBuffer;
import java.util.List;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * The three mutations, applied inside one LMDB write transaction. Arguments were validated by
 * the caller; this class only translates to LMDB calls.
 */
final class TxnWriter {
    private final List<Dbi<ByteBuffer>> dbis;
    private final LmdbKeys keys;

    /** @param dbis one database per column family, indexed by {@link ColumnFamily#ordinal()} */
    TxnWriter(List<Dbi<ByteBuffer>> dbis, LmdbKeys keys) {
        this.dbis = dbis;
        this.keys = keys;
    }

    /**
     * Puts with {@code MDB_RESERVE}: LMDB makes room for the value in its page and the bytes are
     * copied there once, instead of first into a direct buffer and again by LMDB.
     */
    void put(Txn<ByteBuffer> txn, ColumnFamily cf, byte[] key, byte[] value) {
        ByteBuffer slot = dbis.get(cf.ordinal()).reserve(txn, keys.encode(key), value.length);
        slot.put(value);
    }

    void delete(Txn<ByteBuffer> txn, ColumnFamily cf, byte[] key) {
        dbis.get(cf.ordinal()).delete(txn, keys.encode(key));
    }

    /**
     * Deletes {@code [start, end)} with one cursor walk. After {@code mdb_cursor_del} LMDB leaves
     * the cursor on the following entry and its next {@code MDB_NEXT} returns that entry rather
     * than skipping it (mdb.c, {@code C_DEL}), so delete-then-next visits every key once.
     */
    void deleteRange(Txn<ByteBuffer> txn, ColumnFamily cf, byte[] start, byte[] end) {
        if (Keys.compare(start, end) >= 0) {
            return;
        }
        try (Cursor<ByteBuffer> cursor = dbis.get(cf.ordinal()).openCursor(txn)) {
            boolean found = cursor.get(keys.seekTarget(start), GetOp.MDB_SET_RANGE);
            while (found && LmdbKeys.compare(cursor.key(), start) < 0) {
                found = cursor.next();
            }
            while (found && LmdbKeys.compare(cursor.key(), end) < 0) {
                cursor.delete();
                found = cursor.next();
            }
        }
    }
}
