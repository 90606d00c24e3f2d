package io.kvasir.engine.lmdb;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Reset read transactions kept for reuse by point reads. With {@code MDB_NOTLS} a reset
 * transaction keeps its reader-table slot, and {@code mdb_txn_renew} takes a fresh snapshot
 * without the reader-table mutex and the allocations of {@code mdb_txn_begin} (lmdb.h,
 * {@code mdb_txn_reset}). The pool is small and bounded: each pooled transaction holds a slot of
 * {@code lmdb.max-readers}.
 *
 * <p>lmdbjava's {@code Txn.close()} does not abort a transaction in its reset state, which would
 * leak its slot, so transactions leave the pool by renew-then-close.
 */
final class ReadTxnPool {
    private final Env<ByteBuffer> env;
    private final ArrayBlockingQueue<Txn<ByteBuffer>> idle;

    ReadTxnPool(Env<ByteBuffer> env, int capacity) {
        this.env = env;
        this.idle = new ArrayBlockingQueue<>(capacity);
    }

    /** A read transaction on the latest committed state. Call inside the engine's gate. */
    Txn<ByteBuffer> acquire() {
        Txn<ByteBuffer> txn = idle.poll();
        if (txn == null) {
            return env.txnRead();
        }
        try {
            txn.renew();
            return txn;
        } catch (RuntimeException e) {
            txn.close();
            throw e;
        }
    }

    /** Returns {@code txn} to the pool, or closes it when the pool is full. Call inside the engine's gate. */
    void release(Txn<ByteBuffer> txn) {
        if (idle.remainingCapacity() == 0) {
            txn.close();
            return;
        }
        txn.reset();
        if (!idle.offer(txn)) {
            txn.renew();
            txn.close();
        }
    }

    /** Closes every pooled transaction. Call with the gate held exclusively, or after it closed. */
    void drain() {
        for (Txn<ByteBuffer> txn = idle.poll(); txn != null; txn = idle.poll()) {
            try {
                txn.renew();
            } finally {
                txn.close();
            }
        }
    }
}
