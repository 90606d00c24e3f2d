package io.kvasir.txn.mvcc;

/**
 * Decides a transaction's fate from its primary key (TiKV {@code commands::check_txn_status}),
 * for a reader or writer that met one of its locks: committed, rolled back, or alive; an alive one
 * whose TTL has run out by {@code current_ts} is rolled back here, and an alive one may have its
 * {@code min_commit_ts} pushed past the caller's start_ts so the caller can read around it.
 */
public final class CheckTxnStatus {

    /** What the client is told. */
    public enum Action {
        NO_ACTION, TTL_EXPIRE_ROLLBACK, LOCK_NOT_EXIST_ROLLBACK, MIN_COMMIT_TS_PUSHED
    }

    /**
     * @param lockTtl      the primary lock's TTL while the transaction lives, else 0
     * @param commitTs     the commit_ts once committed, else 0
     * @param lock         the primary lock while the transaction lives, else null
     */
    public record Status(long lockTtl, long commitTs, Action action, Lock lock) {
    }

    private CheckTxnStatus() {
    }

    /**
     * @param callerStartTs the start_ts of whoever met the lock; {@code Long.MAX_VALUE} (TiKV's
     *                      max) pushes nothing
     * @throws TxnException.TxnNotFound when the primary has no trace of the transaction and
     *                                  {@code rollbackIfNotExist} is false
     */
    public static Status check(MvccReader reader, MvccTxn txn, byte[] primary, long lockTs, long callerStartTs,
            long currentTs, boolean rollbackIfNotExist) {
        Lock lock = reader.lock(primary);
        if (lock != null && lock.startTs() == lockTs) {
            if (TimeStamps.physical(currentTs) >= TimeStamps.physical(lockTs) + lock.ttl()) {
                Rollback.rollback(reader, txn, primary, lockTs);
                return new Status(0, 0, Action.TTL_EXPIRE_ROLLBACK, null);
            }
            if (callerStartTs != Long.MAX_VALUE && callerStartTs != 0 && lock.minCommitTs() <= callerStartTs
                    && lock.type() != Lock.LockType.PESSIMISTIC && !lock.useAsyncCommit()) {
                Lock pushed = lock.withMinCommitTs(callerStartTs + 1);
                txn.putLock(primary, pushed);
                return new Status(lock.ttl(), 0, Action.MIN_COMMIT_TS_PUSHED, pushed);
            }
            return new Status(lock.ttl(), 0, Action.NO_ACTION, lock);
        }
        MvccReader.Version ours = reader.findTxnWrite(primary, lockTs);
        if (ours != null) {
            if (ours.write().type() != Write.WriteType.ROLLBACK && ours.write().startTs() == lockTs) {
                return new Status(0, ours.commitTs(), Action.NO_ACTION, null);
            }
            return new Status(0, 0, Action.NO_ACTION, null);
        }
        if (!rollbackIfNotExist) {
            throw new TxnException.TxnNotFound(primary, lockTs);
        }
        Rollback.rollback(reader, txn, primary, lockTs);
        return new Status(0, 0, Action.LOCK_NOT_EXIST_ROLLBACK, null);
    }
}
