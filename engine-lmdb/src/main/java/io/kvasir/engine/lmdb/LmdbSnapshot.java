package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.LifecycleGate;
import io.kvasir.engine.api.Snapshot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * A snapshot is an LMDB read transaction: LMDB's MVCC gives it a fixed view of every database
 * for as long as it is open, and readers never block writers. It holds an entry of the engine's
 * gate for its whole life, so the map cannot be resized under it (see {@link MapGrowth}); that is
 * why snapshots must be closed promptly.
 *
 * <p>Several threads may read a snapshot at once. With {@code MDB_NOTLS} LMDB allows a read
 * transaction to be used from any thread, but lmdbjava's {@code Txn} keeps one pair of key/value
 * buffers for {@code Dbi.get}, so point reads and cursor opening take {@link #txnLock}; cursors
 * have their own buffers and move without it.
 */
final class LmdbSnapshot implements Snapshot {
    private final LmdbEngine engine;
    private final Txn<ByteBuffer> txn;
    private final LifecycleGate gate = new LifecycleGate("lmdb snapshot");
    private final ReentrantLock txnLock = new ReentrantLock();
    private final Set<LmdbIterator> iterators = ConcurrentHashMap.newKeySet();

    LmdbSnapshot(LmdbEngine engine, Txn<ByteBuffer> txn) {
        this.engine = engine;
        this.txn = txn;
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        engine.checkPointRead(cf, key);
        gate.enter();
        txnLock.lock();
        try {
            ByteBuffer value = engine.dbi(cf).get(txn, engine.keys().encode(key));
            return value == null ? null : LmdbKeys.copy(value);
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("snapshot get", e);
        } finally {
            txnLock.unlock();
            gate.exit();
        }
    }

    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions options) {
        engine.checkIterator(cf, options);
        gate.enter();
        try {
            Cursor<ByteBuffer> cursor;
            txnLock.lock();
            try {
                cursor = engine.dbi(cf).openCursor(txn);
            } finally {
                txnLock.unlock();
            }
            LmdbIterator it = new LmdbIterator(cursor, options, engine.keys(), iterators::remove);
            iterators.add(it);
            return it;
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("snapshot iterator", e);
        } finally {
            gate.exit();
        }
    }

    /** Closes the snapshot's iterators, ends its transaction and leaves the engine's gate. */
    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        try {
            for (LmdbIterator it : new ArrayList<>(iterators)) {
                it.close();
            }
            txn.close();
        } finally {
            engine.release(this);
        }
    }
}
