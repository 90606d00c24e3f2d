package io.kvasir.txn.mvcc;

/**
 * Percolator's prewrite of one key (TiKV {@code actions::prewrite}, optimistic): locks the key for
 * the transaction and stages its value, unless another transaction holds the key or committed it
 * after this one started. Idempotent: prewriting a key this transaction already locked, or
 * already committed, changes nothing. A transaction rolled back on the key cannot lock it again.
 */
public final class Prewrite {

    /** What to do with the key. */
    public enum Op { PUT, DELETE, LOCK, INSERT, CHECK_NOT_EXISTS }

    /**
     * @param primary      the transaction's primary key, recorded in the lock
     * @param ttl          the lock's time to live, milliseconds of physical time from start_ts
     * @param txnSize      keys the transaction writes in this region (a resolver hint)
     * @param minCommitTs  the lowest commit_ts the lock allows; 0 for none
     */
    public record Props(long startTs, byte[] primary, long ttl, long txnSize, long minCommitTs) {
    }

    private Prewrite() {
    }

    /** @throws TxnException (KeyIsLocked, WriteConflict, AlreadyExist) and stages nothing then */
    public static void prewrite(MvccReader reader, MvccTxn txn, Props props, Op op, byte[] key, byte[] value) {
        long startTs = props.startTs();
        Lock existing = reader.lock(key);
        if (existing != null) {
            if (existing.startTs() != startTs) {
                throw new KeyIsLockedException(key, existing);
            }
            return; // prewritten already: a retry
        }
        prewriteUnlocked(reader, txn, props, op, key, value);
    }

    /**
     * The prewrite of a key a pessimistic transaction locked (TiKV's prewrite with
     * {@code is_pessimistic_lock}): its pessimistic lock becomes the Put, Delete or Lock lock, keeping
     * its for_update_ts; conflicts were checked when it was taken. Idempotent.
     *
     * @throws TxnException.PessimisticLockNotFound when the transaction holds no lock on the key
     */
    public static void prewritePessimistic(MvccReader reader, MvccTxn txn, Props props, Op op, byte[] key,
            byte[] value) {
        Lock existing = reader.lock(key);
        if (existing == null || existing.startTs() != props.startTs()) {
            if (existing != null) {
                throw new KeyIsLockedException(key, existing);
            }
            throw new TxnException.PessimisticLockNotFound(key, props.startTs());
        }
        if (existing.type() != Lock.LockType.PESSIMISTIC) {
            return; // prewritten already
        }
        stageLock(txn, props, op, key, value, existing.forUpdateTs());
    }

    private static void prewriteUnlocked(MvccReader reader, MvccTxn txn, Props props, Op op, byte[] key, byte[] value) {
        long startTs = props.startTs();
        MvccReader.Version ours = reader.findTxnWrite(key, startTs);
        if (ours != null) {
            if (ours.write().type() == Write.WriteType.ROLLBACK || ours.commitTs() == startTs) {
                throw new TxnException.WriteConflict(key, props.primary(), startTs, startTs, ours.commitTs(),
                        TxnException.ConflictReason.SELF_ROLLED_BACK);
            }
            return; // committed already: the lock went with the commit
        }
        MvccReader.Version newest = reader.seekWrite(key, Long.MAX_VALUE);
        if (newest != null && newest.commitTs() >= startTs) {
            throw new TxnException.WriteConflict(key, props.primary(), startTs, newest.write().startTs(),
                    newest.commitTs(), TxnException.ConflictReason.OPTIMISTIC);
        }
        if (op == Op.INSERT || op == Op.CHECK_NOT_EXISTS) {
            MvccReader.Version visible = reader.seekDataChange(key, Long.MAX_VALUE);
            if (visible != null && visible.write().type() == Write.WriteType.PUT) {
                throw new TxnException.AlreadyExist(key);
            }
            if (op == Op.CHECK_NOT_EXISTS) {
                return;
            }
        }
        stageLock(txn, props, op, key, value, 0);
    }

    private static void stageLock(MvccTxn txn, Props props, Op op, byte[] key, byte[] value, long forUpdateTs) {
        long startTs = props.startTs();
        Lock.LockType type = switch (op) {
            case PUT, INSERT -> Lock.LockType.PUT;
            case DELETE -> Lock.LockType.DELETE;
            case LOCK -> Lock.LockType.LOCK;
            case CHECK_NOT_EXISTS -> null;
        };
        if (type == null) {
            return;
        }
        byte[] shortValue = null;
        if (type == Lock.LockType.PUT) {
            if (value.length <= Write.SHORT_VALUE_MAX_LEN) {
                shortValue = value;
            } else {
                txn.putValue(key, startTs, value);
            }
        }
        txn.putLock(key, Lock.of(type, props.primary(), startTs, props.ttl(), shortValue)
                .withForUpdateTs(forUpdateTs).withTxnSize(props.txnSize()).withMinCommitTs(props.minCommitTs()));
    }
}
