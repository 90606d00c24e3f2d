package io.kvasir.txn.mvcc;

/** A read met another transaction's lock (TiKV's {@code KeyIsLocked}): the client resolves it and reads again. */
public final class KeyIsLockedException extends TxnException {
    private static final long serialVersionUID = 1L;

    private final transient Lock lock;

    public KeyIsLockedException(byte[] key, Lock lock) {
        super(key, "key is locked by the transaction that started at " + lock.startTs());
        this.lock = lock;
    }

    public Lock lock() {
        return lock;
    }
}
