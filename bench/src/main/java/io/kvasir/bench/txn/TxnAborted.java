package io.kvasir.bench.txn;

/**
 * A transaction that did not commit, and why. Thrown once per aborted transaction, after it has
 * rolled back what it wrote; an expected outcome, so it skips the stack trace.
 */
final class TxnAborted extends Exception {

    private static final long serialVersionUID = 1L;
    private final AbortCause reason;

    TxnAborted(AbortCause reason, String message, Throwable error) {
        super(message, error, false, false);
        this.reason = reason;
    }

    TxnAborted(AbortCause reason, String message) {
        this(reason, message, null);
    }

    AbortCause reason() {
        return reason;
    }
}
