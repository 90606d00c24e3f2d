package io.kvasir.txn.api;

/** A transactional request the store refuses as malformed (the facade answers it as the client's error). */
public final class TxnStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TxnStorageException(String message) {
        super(message);
    }
}
