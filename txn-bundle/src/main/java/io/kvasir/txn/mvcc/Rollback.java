package io.kvasir.txn.mvcc;

/**
 * Rolls a transaction back on one key (TiKV {@code actions::cleanup} / {@code rollback_lock}):
 * removes its lock and staged value, and leaves a rollback record at {@code key@start_ts}, so that
 * a prewrite of the transaction arriving late cannot lock the key again. Rolling back twice does
 * nothing more; rolling back a committed transaction fails with Committed.
 */
public final class Rollback {

    private Rollback() {
    }

    public static void rollback(MvccReader reader, MvccTxn txn, byte[] key, long startTs) {
        Lock lock = reader.lock(key);
        if (lock != null && lock.startTs() == startTs) {
            if (lock.type() == Lock.LockType.PUT && lock.shortValue() == null) {
                txn.deleteValue(key, startTs);
            }
            txn.unlock(key);
            putRollbackRecord(reader, txn, key, startTs);
            return;
        }
        MvccReader.Version ours = reader.findTxnWrite(key, startTs);
        if (ours != null) {
            if (ours.write().type() != Write.WriteType.ROLLBACK && ours.write().startTs() == startTs) {
                throw new TxnException.Committed(key, startTs, ours.commitTs());
            }
            return; // rolled back already
        }
        putRollbackRecord(reader, txn, key, startTs);
    }

    /**
     * A rollback record at {@code key@start_ts}; when another transaction's commit record sits at
     * that very ts, the commit record is kept and marks the rollback instead (TiKV's overlapped
     * rollback), since both cannot have the key.
     */
    private static void putRollbackRecord(MvccReader reader, MvccTxn txn, byte[] key, long startTs) {
        MvccReader.Version there = reader.seekWrite(key, startTs);
        if (there != null && there.commitTs() == startTs && there.write().type() != Write.WriteType.ROLLBACK) {
            if (!there.write().overlappedRollback()) {
                txn.putWrite(key, startTs, there.write().withOverlappedRollback(0));
            }
            return;
        }
        txn.putWrite(key, startTs, Write.rollback(startTs, true));
    }
}
