package io.kvasir.txn.mvcc;

import java.util.Arrays;

/**
 * Why a transactional action refused a key: each becomes the {@code KeyError} TiKV answers, which
 * the client acts on (resolve a lock, retry, abort). Nothing was written when one is thrown.
 */
public abstract class TxnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] key;

    TxnException(byte[] key, String message) {
        super(message, null, false, false);
        this.key = key.clone();
    }

    /** The user key refused. */
    public byte[] key() {
        return Arrays.copyOf(key, key.length);
    }

    /** Why a write conflicts (TiKV's {@code WriteConflictReason}, reduced to what this store reports). */
    public enum ConflictReason { OPTIMISTIC, SELF_ROLLED_BACK }

    /** Another transaction committed the key after this one started, or this one was rolled back there. */
    public static final class WriteConflict extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long conflictStartTs;
        private final long conflictCommitTs;
        private final transient byte[] primary;
        private final ConflictReason reason;

        WriteConflict(byte[] key, byte[] primary, long startTs, long conflictStartTs, long conflictCommitTs,
                ConflictReason reason) {
            super(key, "write conflict: start_ts " + startTs + " meets a write of start_ts " + conflictStartTs
                    + " committed at " + conflictCommitTs + " (" + reason + ")");
            this.primary = primary.clone();
            this.startTs = startTs;
            this.conflictStartTs = conflictStartTs;
            this.conflictCommitTs = conflictCommitTs;
            this.reason = reason;
        }

        public long startTs() {
            return startTs;
        }

        public long conflictStartTs() {
            return conflictStartTs;
        }

        public long conflictCommitTs() {
            return conflictCommitTs;
        }

        public byte[] primary() {
            return primary.clone();
        }

        public ConflictReason reason() {
            return reason;
        }
    }

    /** An insert met a key that exists. */
    public static final class AlreadyExist extends TxnException {
        private static final long serialVersionUID = 1L;

        AlreadyExist(byte[] key) {
            super(key, "key already exists");
        }
    }

    /** A commit found neither this transaction's lock nor its commit (it was rolled back, or never prewritten). */
    public static final class TxnLockNotFound extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long commitTs;

        TxnLockNotFound(byte[] key, long startTs, long commitTs) {
            super(key, "txn lock not found: start_ts " + startTs + ", commit_ts " + commitTs);
            this.startTs = startTs;
            this.commitTs = commitTs;
        }

        public long startTs() {
            return startTs;
        }

        public long commitTs() {
            return commitTs;
        }
    }

    /** A commit below the lock's {@code min_commit_ts} (a reader pushed it). */
    public static final class CommitTsExpired extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;
        private final long commitTs;
        private final long minCommitTs;

        CommitTsExpired(byte[] key, long startTs, long commitTs, long minCommitTs) {
            super(key, "commit_ts " + commitTs + " is below min_commit_ts " + minCommitTs + " of start_ts " + startTs);
            this.startTs = startTs;
            this.commitTs = commitTs;
            this.minCommitTs = minCommitTs;
        }

        public long startTs() {
            return startTs;
        }

        public long commitTs() {
            return commitTs;
        }

        public long minCommitTs() {
            return minCommitTs;
        }
    }

    /** A pessimistic transaction prewrote a key it never locked (or whose lock was rolled back). */
    public static final class PessimisticLockNotFound extends TxnException {
        private static final long serialVersionUID = 1L;

        PessimisticLockNotFound(byte[] key, long startTs) {
            super(key, "pessimistic lock of transaction " + startTs + " not found");
        }
    }

    /** The primary holds no lock of the transaction and no record of it. */
    public static final class TxnNotFound extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long startTs;

        TxnNotFound(byte[] primary, long startTs) {
            super(primary, "transaction " + startTs + " not found on its primary");
            this.startTs = startTs;
        }

        public long startTs() {
            return startTs;
        }
    }

    /** A rollback of a transaction that committed the key. */
    public static final class Committed extends TxnException {
        private static final long serialVersionUID = 1L;
        private final long commitTs;

        Committed(byte[] key, long startTs, long commitTs) {
            super(key, "transaction " + startTs + " already committed at " + commitTs);
            this.commitTs = commitTs;
        }

        public long commitTs() {
            return commitTs;
        }
    }
}
