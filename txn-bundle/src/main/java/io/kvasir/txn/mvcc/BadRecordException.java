package io.kvasir.txn.mvcc;

/** A lock or write record that does not parse: the store's data is corrupt, or not TiKV's format. */
public final class BadRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRecordException(String message) {
        super(message);
    }
}
