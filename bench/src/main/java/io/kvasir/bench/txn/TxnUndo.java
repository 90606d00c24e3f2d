package io.kvasir.bench.txn;

import io.kvasir.kvproto.Kvrpcpb;
import java.util.List;

/**
 * Cleans up after a transaction that gave up, as TiDB does, so no lock it left blocks the others
 * until its TTL passes. Best effort: a clean-up that fails leaves locks that expire and that the
 * next transaction resolves.
 */
final class TxnUndo {

    private final PercolatorRpc rpc;

    TxnUndo(PercolatorRpc rpc) {
        this.rpc = rpc;
    }

    /** Releases pessimistic locks taken before any prewrite. */
    void releasePessimistic(List<byte[]> keys, long startTs, long forUpdateTs) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            rpc.pessimisticRollback(keys, startTs, forUpdateTs);
        } catch (RuntimeException ignored) {
            // the locks expire
        }
    }

    /**
     * Rolls the transaction back: its primary first, then, once the primary is rolled back for
     * good, the other keys. Never the other way round: a secondary of a transaction whose primary
     * committed must not be rolled back (Percolator's atomicity lives in the primary). Returns true
     * if the primary's store says the transaction had committed instead (a commit whose answer
     * was lost): then it counts as committed, its other locks are left for readers to commit
     * through the primary, and {@link CounterAudit}'s sum stays exact.
     *
     * @param keys the transaction's keys, primary first
     */
    boolean rollBack(List<byte[]> keys, long startTs) {
        try {
            List<Kvrpcpb.KeyError> primary = rpc.batchRollback(keys.subList(0, 1), startTs);
            if (!primary.isEmpty()) {
                // Committed; or the primary's fate is unclear: then the rest expire and are resolved through it.
                return primary.get(0).getAbort().contains("already committed");
            }
            if (keys.size() > 1) {
                rpc.batchRollback(keys.subList(1, keys.size()), startTs);
            }
        } catch (RuntimeException ignored) {
            // the locks expire, and readers resolve them through the primary
        }
        return false;
    }
}
