package io.kvasir.txn.mvcc;

/**
 * Percolator's commit of one key (TiKV {@code actions::commit}): turns this transaction's lock into
 * a write record at {@code commit_ts}. Idempotent: a key this transaction committed already
 * succeeds again. A key it holds no lock on and never committed (rolled back, or never prewritten)
 * fails with TxnLockNotFound; a commit below the lock's min_commit_ts with CommitTsExpired.
 */
public final class Commit {

    private Commit() {
    }

    /** Returns the commit_ts the key carries (another one if it was committed before). */
    public static long commit(MvccReader reader, MvccTxn txn, byte[] key, long startTs, long commitTs) {
        Lock lock = reader.lock(key);
        if (lock != null && lock.startTs() == startTs) {
            if (lock.type() == Lock.LockType.PESSIMISTIC) {
                throw new TxnException.TxnLockNotFound(key, startTs, commitTs); // locked, never prewritten
            }
            if (commitTs < lock.minCommitTs()) {
                throw new TxnException.CommitTsExpired(key, startTs, commitTs, lock.minCommitTs());
            }
            Write write = Write.of(Write.WriteType.committing(lock.type()), startTs, lock.shortValue());
            MvccReader.Version atCommitTs = reader.seekWrite(key, commitTs);
            if (atCommitTs != null && atCommitTs.commitTs() == commitTs
                    && atCommitTs.write().type() == Write.WriteType.ROLLBACK) {
                // Another transaction's rollback sits at this ts (it started here): keep it, folded in.
                write = write.withOverlappedRollback(Write.NO_GC_FENCE);
            }
            txn.putWrite(key, commitTs, write);
            txn.unlock(key);
            return commitTs;
        }
        MvccReader.Version ours = reader.findTxnWrite(key, startTs);
        if (ours != null && ours.write().type() != Write.WriteType.ROLLBACK && ours.write().startTs() == startTs) {
            return ours.commitTs();
        }
        throw new TxnException.TxnLockNotFound(key, startTs, commitTs);
    }
}
