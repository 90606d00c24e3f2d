package io.kvasir.txn.gc;

/**
 * Settles an old transaction from its primary key, wherever the primary lives: commits stand,
 * anything still open is rolled back (TiDB's GC does the same: a transaction older than the GC
 * safe point has outlived the GC life time and may not commit any more).
 */
public interface TxnFates {

    /** The transaction could not be settled now (its primary's region unreachable, or it refused). */
    final class Unsettled extends Exception {
        public Unsettled(String message) {
            super(message);
        }
    }

    /**
     * The commit timestamp of transaction {@code startTs}, or 0 once it is rolled back.
     *
     * @param primary the transaction's primary key (a user key)
     */
    long settle(byte[] primary, long startTs) throws Unsettled, InterruptedException;
}
