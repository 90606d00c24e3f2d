package io.kvasir.bench.txn;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Percolator commands of {@code tikvpb.Tikv} the driver sends itself, over Kvasir's kvproto
 * stubs and {@link RegionCalls}: what tikv-client-java 3.3.5 has no API for (pessimistic locks,
 * rolling back an aborted transaction, resolving a lock) and the plain 2PC of the flow-control
 * burst. Keys are user keys (TXN mode, API V1: stores take them unencoded). Each method returns
 * the stores' key errors, empty when every key succeeded.
 */
final class PercolatorRpc {

    private final RegionCalls calls;

    PercolatorRpc(RegionCalls calls) {
        this.calls = calls;
    }

    /**
     * Prewrites {@code mutations} (puts), one request per region.
     *
     * @param forUpdateTs 0 for an optimistic transaction; else its newest for_update_ts, and every
     *                    key is marked {@code is_pessimistic_lock} (this kvproto predates
     *                    {@code pessimistic_actions}), so the store checks the transaction still
     *                    holds its pessimistic lock there
     */
    List<Kvrpcpb.KeyError> prewrite(Map<ByteString, ByteString> mutations, byte[] primary, long startTs, long ttlMillis,
            long forUpdateTs) {
        List<byte[]> keys = new ArrayList<>();
        mutations.keySet().forEach(k -> keys.add(k.toByteArray()));
        List<Kvrpcpb.KeyError> errors = new ArrayList<>();
        calls.perRegion(keys, (stub, ctx, ks) -> {
            Kvrpcpb.PrewriteRequest.Builder req = Kvrpcpb.PrewriteRequest.newBuilder().setContext(ctx)
                    .setPrimaryLock(ByteString.copyFrom(primary)).setStartVersion(startTs).setLockTtl(ttlMillis)
                    .setTxnSize(mutations.size()).setForUpdateTs(forUpdateTs);
            for (byte[] k : ks) {
                ByteString key = ByteString.copyFrom(k);
                req.addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Put).setKey(key).setValue(mutations.get(key)));
                if (forUpdateTs != 0) {
                    req.addIsPessimisticLock(true);
                }
            }
            return stub.kvPrewrite(req.build());
        }, r -> r.hasRegionError() ? r.getRegionError() : null).forEach(r -> errors.addAll(r.getErrorsList()));
        return errors;
    }

    List<Kvrpcpb.KeyError> commit(List<byte[]> keys, long startTs, long commitTs) {
        List<Kvrpcpb.KeyError> errors = new ArrayList<>();
        calls.perRegion(keys, (stub, ctx, ks) -> stub.kvCommit(Kvrpcpb.CommitRequest.newBuilder().setContext(ctx)
                        .addAllKeys(bytes(ks)).setStartVersion(startTs).setCommitVersion(commitTs).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null).forEach(r -> {
                    if (r.hasError()) {
                        errors.add(r.getError());
                    }
                });
        return errors;
    }

    /**
     * Takes a pessimistic lock on one key ({@code SELECT ... FOR UPDATE} of one row), waiting up to
     * {@code waitMillis} for another transaction's lock, and returns the key's latest committed
     * value with it ({@code return_values}): the read of a read-modify-write.
     */
    Kvrpcpb.PessimisticLockResponse lock(byte[] key, byte[] primary, long startTs, long forUpdateTs, long ttlMillis,
            long waitMillis, boolean firstLock) {
        List<Kvrpcpb.PessimisticLockResponse> answers = calls.perRegion(List.of(key), (stub, ctx, ks) ->
                stub.kvPessimisticLock(Kvrpcpb.PessimisticLockRequest.newBuilder().setContext(ctx)
                        .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.PessimisticLock)
                                .setKey(ByteString.copyFrom(key)))
                        .setPrimaryLock(ByteString.copyFrom(primary)).setStartVersion(startTs)
                        .setForUpdateTs(forUpdateTs).setLockTtl(ttlMillis).setWaitTimeout(waitMillis)
                        .setIsFirstLock(firstLock).setReturnValues(true).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
        return answers.get(0);
    }

    /** Releases pessimistic locks of a transaction that never prewrote them. */
    void pessimisticRollback(List<byte[]> keys, long startTs, long forUpdateTs) {
        calls.perRegion(keys, (stub, ctx, ks) -> stub.kVPessimisticRollback(Kvrpcpb.PessimisticRollbackRequest
                        .newBuilder().setContext(ctx).addAllKeys(bytes(ks)).setStartVersion(startTs)
                        .setForUpdateTs(forUpdateTs).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    /** Rolls back a transaction's locks on {@code keys} and leaves rollback records, so it can never commit there. */
    List<Kvrpcpb.KeyError> batchRollback(List<byte[]> keys, long startTs) {
        List<Kvrpcpb.KeyError> errors = new ArrayList<>();
        calls.perRegion(keys, (stub, ctx, ks) -> stub.kvBatchRollback(Kvrpcpb.BatchRollbackRequest.newBuilder()
                        .setContext(ctx).addAllKeys(bytes(ks)).setStartVersion(startTs).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null).forEach(r -> {
                    if (r.hasError()) {
                        errors.add(r.getError());
                    }
                });
        return errors;
    }

    /**
     * Settles a lock whose TTL has passed, as a client's lock resolver does: a pessimistic lock is
     * released; otherwise its primary is asked whether the transaction committed (and rolled back
     * if it had not), and the lock on {@code key} is committed or rolled back to match. Only a
     * transaction that died mid-way leaves such a lock: the driver's own clean up after aborting.
     */
    void resolveExpired(byte[] key, Kvrpcpb.LockInfo lock, long callerStartTs, long currentTs) {
        if (lock.getLockType() == Kvrpcpb.Op.PessimisticLock) {
            // Locks nothing readers see: its owner is gone, so it is simply released (TiKV's clients do the same).
            pessimisticRollback(List.of(key), lock.getLockVersion(), Long.MAX_VALUE);
            return;
        }
        byte[] primary = lock.getPrimaryLock().toByteArray();
        Kvrpcpb.CheckTxnStatusResponse status = calls.perRegion(List.of(primary), (stub, ctx, ks) ->
                stub.kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest.newBuilder().setContext(ctx)
                        .setPrimaryKey(ByteString.copyFrom(primary)).setLockTs(lock.getLockVersion())
                        .setCallerStartTs(callerStartTs).setCurrentTs(currentTs).setRollbackIfNotExist(true).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null).get(0);
        if (status.hasError() || status.getLockTtl() != 0) {
            return; // still alive, or the primary cannot tell: leave it
        }
        long commitTs = status.getCommitVersion();
        calls.perRegion(List.of(key), (stub, ctx, ks) -> stub.kvResolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
                        .setContext(ctx).setStartVersion(lock.getLockVersion()).setCommitVersion(commitTs)
                        .addKeys(ByteString.copyFrom(key)).build()),
                r -> r.hasRegionError() ? r.getRegionError() : null);
    }

    private static List<ByteString> bytes(List<byte[]> keys) {
        List<ByteString> out = new ArrayList<>(keys.size());
        keys.forEach(k -> out.add(ByteString.copyFrom(k)));
        return out;
    }
}
