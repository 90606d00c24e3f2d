package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.LifecycleGate;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Runs a write to completion: one LMDB write transaction, committed, synced if asked, and
 * retried from scratch on a larger map whenever LMDB reports the map full. The work must be
 * repeatable (it re-reads its input on each attempt); a failed attempt leaves nothing behind,
 * because an aborted LMDB transaction changes nothing.
 *
 * <p>Writers serialize on LMDB's writer lock inside {@code txnWrite()}; the transaction is open
 * only while the work runs and commits, never across a wait for growth.
 */
final class WriteTxns {
    /** A write that keeps filling the map after this many growths has a bug, not a need. */
    private static final int MAX_GROWTHS_PER_WRITE = 48;

    private final Env<ByteBuffer> env;
    private final LifecycleGate gate;
    private final MapGrowth growth;

    WriteTxns(Env<ByteBuffer> env, LifecycleGate gate, MapGrowth growth) {
        this.env = env;
        this.gate = gate;
        this.growth = growth;
    }

    /**
     * Runs {@code work} in one write transaction and commits it. On {@code MDB_MAP_FULL} the
     * transaction is aborted and the gate left before growing: growth needs the gate to itself.
     *
     * @param what names the operation in error messages
     */
    void run(String what, boolean sync, Consumer<Txn<ByteBuffer>> work) {
        for (int growths = 0; ; growths++) {
            long fullMapSize = -1;
            long nearlyFullMapSize = -1;
            gate.enter();
            try {
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    work.accept(txn);
                    txn.commit();
                }
                if (sync) {
                    env.sync(true);
                }
                if (growth.nearlyFull()) {
                    nearlyFullMapSize = growth.mapSize();
                }
            } catch (Env.MapFullException e) {
                fullMapSize = growth.mapSize();
            } catch (RuntimeException e) {
                throw LmdbErrors.wrap(what, e);
            } finally {
                gate.exit();
            }
            if (fullMapSize < 0) {
                if (nearlyFullMapSize >= 0) {
                    growth.growIfIdle(nearlyFullMapSize);
                }
                return;
            }
            if (growths >= MAX_GROWTHS_PER_WRITE) {
                throw new EngineException(EngineException.Code.NO_SPACE,
                        what + " still fills the LMDB map after " + growths + " growths (" + fullMapSize + " bytes)");
            }
            growth.growAfterMapFull(fullMapSize);
        }
    }
}
