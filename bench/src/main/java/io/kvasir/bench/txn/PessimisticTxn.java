package io.kvasir.bench.txn;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pessimistic read-modify-write, as TiDB runs {@code SELECT ... FOR UPDATE} then {@code UPDATE}
 * over kvproto (tikv-client-java 3.3.5 has no pessimistic API): each key is locked in turn with
 * KvPessimisticLock, which waits for another transaction's lock and returns the latest value; a
 * lock that meets a write newer than the statement's for_update_ts is taken again with a newer
 * one (the statement retries, the transaction does not abort). Then KvPrewrite of every key with
 * {@code is_pessimistic_lock} and the newest for_update_ts, KvCommit of the primary, KvCommit of
 * the rest. On failure the locks are released: KVPessimisticRollback before the prewrite,
 * KvBatchRollback after it.
 */
final class PessimisticTxn implements ReadModifyWrite {

    /** Commit retries after CommitTsExpired (a reader pushed the lock's min_commit_ts past ours). */
    private static final int COMMIT_ATTEMPTS = 3;

    private final PercolatorRpc rpc;
    private final Tso tso;
    private final TxnSettings settings;
    private final TxnUndo undo;
    private final CommitLog log;

    PessimisticTxn(PercolatorRpc rpc, Tso tso, TxnSettings settings, CommitLog log) {
        this.rpc = rpc;
        this.tso = tso;
        this.settings = settings;
        this.undo = new TxnUndo(rpc);
        this.log = log;
    }

    @Override
    public int run(List<byte[]> keys) throws TxnAborted {
        long startTs = tso.next();
        byte[] primary = keys.get(0);
        Locking locking = new Locking(startTs, primary);
        try {
            for (byte[] key : keys) {
                locking.lock(key);
            }
        } catch (TxnAborted a) {
            undo.releasePessimistic(locking.locked, startTs, locking.forUpdateTs);
            throw a;
        } catch (RuntimeException e) {
            undo.releasePessimistic(locking.locked, startTs, locking.forUpdateTs);
            throw new TxnAborted(AbortCause.OTHER, "pessimistic lock: " + e.getMessage(), e);
        }
        try {
            List<Kvrpcpb.KeyError> errors = rpc.prewrite(locking.writes, primary, startTs, settings.lockTtlMillis(),
                    locking.forUpdateTs);
            if (!errors.isEmpty()) {
                throw new TxnAborted(StoreKeyErrors.causeOf(errors.get(0)), "prewrite: " + StoreKeyErrors.describe(errors.get(0)));
            }
            long commitTs = commitPrimary(primary, startTs);
            locking.commitTs = commitTs;
            try {
                rpc.commit(keys.subList(1, keys.size()), startTs, commitTs);
            } catch (RuntimeException ignored) {
                // committed with its primary: readers commit the secondaries they meet
            }
            locking.logCommitted();
            return locking.retries;
        } catch (TxnAborted a) {
            if (undo.rollBack(keys, startTs)) {
                locking.logCommitted();
                return locking.retries; // its commit had gone through after all
            }
            throw a;
        } catch (RuntimeException e) {
            if (undo.rollBack(keys, startTs)) {
                locking.logCommitted();
                return locking.retries;
            }
            throw new TxnAborted(AbortCause.OTHER, "prewrite/commit: " + e.getMessage(), e);
        }
    }

    private long commitPrimary(byte[] primary, long startTs) throws TxnAborted {
        for (int attempt = 1; ; attempt++) {
            long commitTs = tso.next();
            List<Kvrpcpb.KeyError> errors = rpc.commit(List.of(primary), startTs, commitTs);
            if (errors.isEmpty()) {
                return commitTs;
            }
            Kvrpcpb.KeyError e = errors.get(0);
            if (!e.hasCommitTsExpired() || attempt == COMMIT_ATTEMPTS) {
                throw new TxnAborted(StoreKeyErrors.causeOf(e), "commit: " + StoreKeyErrors.describe(e));
            }
        }
    }

    /** The lock phase of one transaction: what it holds so far and the values it will write. */
    private final class Locking {
        final long startTs;
        final byte[] primary;
        long forUpdateTs;
        long commitTs;
        int retries;
        final List<byte[]> locked = new ArrayList<>();
        final Map<ByteString, ByteString> writes = new LinkedHashMap<>();

        Locking(long startTs, byte[] primary) {
            this.startTs = startTs;
            this.primary = primary;
            this.forUpdateTs = startTs;
        }

        void lock(byte[] key) throws TxnAborted {
            while (true) {
                Kvrpcpb.PessimisticLockResponse r = rpc.lock(key, primary, startTs, forUpdateTs,
                        settings.lockTtlMillis(), settings.lockWaitMillis(), locked.isEmpty());
                if (r.getErrorsCount() == 0) {
                    locked.add(key);
                    byte[] old = r.getValuesCount() > 0 && !(r.getNotFoundsCount() > 0 && r.getNotFounds(0))
                            ? r.getValues(0).toByteArray() : null;
                    writes.put(ByteString.copyFrom(key),
                            ByteString.copyFrom(CounterValue.of(CounterValue.read(old) + 1, settings.valueSize())));
                    return;
                }
                Kvrpcpb.KeyError e = r.getErrors(0);
                boolean retry = e.hasConflict() || e.hasLocked() && expired(e.getLocked());
                if (!retry) {
                    // A lock still held after the wait is a lock-wait timeout: KEY_LOCKED.
                    throw new TxnAborted(StoreKeyErrors.causeOf(e), "pessimistic lock: " + StoreKeyErrors.describe(e));
                }
                if (++retries > settings.maxStatementRetries()) {
                    throw new TxnAborted(AbortCause.RETRIES_EXHAUSTED, "pessimistic lock retried " + (retries - 1)
                            + " times: " + StoreKeyErrors.describe(e));
                }
                if (e.hasLocked()) {
                    rpc.resolveExpired(key, e.getLocked(), startTs, tso.next());
                } else {
                    forUpdateTs = tso.next(); // the statement again, reading at a newer snapshot
                }
            }
        }

        void logCommitted() {
            writes.forEach((k, v) -> log.committed(k.toByteArray(), CounterValue.read(v.toByteArray()), startTs, commitTs));
        }

        /** Whether a lock's TTL has passed by PD's clock (the physical part of a new timestamp). */
        private boolean expired(Kvrpcpb.LockInfo lock) {
            long nowMillis = tso.next() >>> 18;
            return (lock.getLockVersion() >>> 18) + lock.getLockTtl() < nowMillis;
        }
    }
}
