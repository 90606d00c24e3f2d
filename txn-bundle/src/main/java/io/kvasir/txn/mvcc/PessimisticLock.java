package io.kvasir.txn.mvcc;

/**
 * Pessimistic locking (TiKV {@code actions::acquire_pessimistic_lock} and
 * {@code pessimistic_rollback}): SELECT ... FOR UPDATE takes a lock before the transaction writes,
 * checked against writes committed after its {@code for_update_ts} instead of its start_ts, so a
 * statement retried with a newer for_update_ts can still lock. The lock hides no value from
 * readers; prewrite later turns it into a Put, Delete or Lock lock.
 */
public final class PessimisticLock {

    private PessimisticLock() {
    }

    /**
     * Locks {@code key} for the transaction at {@code forUpdateTs}. Idempotent; a lock of this
     * transaction taken at an older for_update_ts moves up to this one.
     *
     * @param shouldNotExist the statement inserts: the key must not exist
     * @throws TxnException KeyIsLocked (another transaction holds it: the caller may wait),
     *         WriteConflict (committed after for_update_ts: the statement retries with a newer one),
     *         AlreadyExist, or Committed / a rolled-back conflict for this transaction itself
     */
    public static void acquire(MvccReader reader, MvccTxn txn, byte[] key, byte[] primary, long startTs, long ttl,
            long forUpdateTs, boolean shouldNotExist) {
        Lock existing = reader.lock(key);
        if (existing != null) {
            if (existing.startTs() != startTs) {
                throw new KeyIsLockedException(key, existing);
            }
            if (existing.type() == Lock.LockType.PESSIMISTIC && existing.forUpdateTs() < forUpdateTs) {
                txn.putLock(key, existing.withForUpdateTs(forUpdateTs).withTtl(Math.max(ttl, existing.ttl())));
            }
            return; // locked already, or even prewritten: nothing more to take
        }
        MvccReader.Version ours = reader.findTxnWrite(key, startTs);
        if (ours != null) {
            if (ours.write().type() == Write.WriteType.ROLLBACK || ours.commitTs() == startTs) {
                throw new TxnException.WriteConflict(key, primary, startTs, startTs, ours.commitTs(),
                        TxnException.ConflictReason.SELF_ROLLED_BACK);
            }
            throw new TxnException.Committed(key, startTs, ours.commitTs());
        }
        MvccReader.Version newest = reader.seekWrite(key, Long.MAX_VALUE);
        if (newest != null && newest.commitTs() > forUpdateTs) {
            throw new TxnException.WriteConflict(key, primary, startTs, newest.write().startTs(), newest.commitTs(),
                    TxnException.ConflictReason.OPTIMISTIC);
        }
        if (shouldNotExist) {
            MvccReader.Version visible = reader.seekDataChange(key, Long.MAX_VALUE);
            if (visible != null && visible.write().type() == Write.WriteType.PUT) {
                throw new TxnException.AlreadyExist(key);
            }
        }
        txn.putLock(key, Lock.of(Lock.LockType.PESSIMISTIC, primary, startTs, ttl, null).withForUpdateTs(forUpdateTs));
    }

    /**
     * Releases a pessimistic lock this transaction took at or before {@code forUpdateTs}, leaving
     * no record (the transaction wrote nothing there). Any other lock is left alone.
     */
    public static void rollback(MvccReader reader, MvccTxn txn, byte[] key, long startTs, long forUpdateTs) {
        Lock lock = reader.lock(key);
        if (lock != null && lock.startTs() == startTs && lock.type() == Lock.LockType.PESSIMISTIC
                && lock.forUpdateTs() <= forUpdateTs) {
            txn.unlock(key);
        }
    }
}
