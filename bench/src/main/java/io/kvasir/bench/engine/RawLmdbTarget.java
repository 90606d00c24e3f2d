package io.kvasir.bench.engine;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.lmdb.LmdbEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;
import org.openjdk.jmh.infra.Blackhole;

/**
 * lmdbjava used directly, the baseline of the lmdb engine, written as a careful user of the raw
 * library would write it. It mirrors the engine's environment (its flags come from
 * {@code LmdbEngine.envFlags()}): the default {@code ByteBuffer} proxy of
 * {@code Env.create()}, the same flags with an explicit {@code env.sync(true)} after a synced
 * commit, the same map size, reader table and database count, a named database, and puts with
 * {@code MDB_RESERVE}. It stores the user's key as is: the engine's one-byte key prefix is engine
 * cost and is not mirrored. Point reads and scans reuse one read transaction with reset/renew, as
 * the engine's read pool does.
 */
final class RawLmdbTarget implements KvTarget {
    /**
     * The engine's own flags: {@code MDB_NOMETASYNC} makes every commit flush its data pages (so
     * even an unsynced write costs a data fsync) and leaves the meta page to the explicit sync.
     */
    static final EnvFlags[] ENV_FLAGS = LmdbEngine.envFlags();

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final ByteBuffer keyBuffer;
    /** Kept reset between reads; renewed for each, which takes a fresh snapshot. */
    private final Txn<ByteBuffer> readTxn;

    RawLmdbTarget(Path dir, long mapSize, int maxReaders) {
        this.env = Env.create()
                .setMapSize(mapSize)
                .setMaxDbs(ColumnFamily.values().length)
                .setMaxReaders(maxReaders)
                .open(dir.toFile(), ENV_FLAGS);
        this.dbi = env.openDbi("default", DbiFlags.MDB_CREATE);
        this.keyBuffer = ByteBuffer.allocateDirect(env.getMaxKeySize());
        this.readTxn = env.txnRead();
        readTxn.reset();
    }

    private ByteBuffer key(byte[] key) {
        keyBuffer.clear();
        keyBuffer.put(key).flip();
        return keyBuffer;
    }

    private static byte[] copy(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    @Override
    public void put(byte[] key, byte[] value, boolean sync) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            dbi.reserve(txn, key(key), value.length).put(value);
            txn.commit();
        }
        if (sync) {
            env.sync(true);
        }
    }

    @Override
    public void write(byte[][] keys, byte[][] values, int count, boolean sync) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            for (int i = 0; i < count; i++) {
                dbi.reserve(txn, key(keys[i]), values[i].length).put(values[i]);
            }
            txn.commit();
        }
        if (sync) {
            env.sync(true);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        readTxn.renew();
        try {
            ByteBuffer value = dbi.get(readTxn, key(key));
            return value == null ? null : copy(value);
        } finally {
            readTxn.reset();
        }
    }

    @Override
    public int scan(byte[] start, int limit, Blackhole sink) {
        int read = 0;
        readTxn.renew();
        try (Cursor<ByteBuffer> cursor = dbi.openCursor(readTxn)) {
            for (boolean found = cursor.get(key(start), GetOp.MDB_SET_RANGE); found && read < limit; found = cursor.next()) {
                sink.consume(copy(cursor.key()));
                sink.consume(copy(cursor.val()));
                read++;
            }
        } finally {
            readTxn.reset();
        }
        return read;
    }

    @Override
    public void flush() {
        env.sync(true);
    }

    @Override
    public void close() {
        // lmdbjava's close does not abort a reset transaction; renew first so its reader slot is freed.
        readTxn.renew();
        readTxn.close();
        dbi.close();
        env.close();
    }
}
