package io.kvasir.txn.mvcc;

import java.util.Arrays;

/** A read met another transaction's lock (TiKV's {@code KeyIsLocked}): the client resolves it and reads again. */
public final class KeyIsLockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] key;
    private final transient Lock lock;

    public KeyIsLockedException(byte[] key, Lock lock) {
        super("key is locked by the transaction that started at " + lock.startTs(), null, false, false);
        this.key = key.clone();
        this.lock = lock;
    }

    public byte[] key() {
        return Arrays.copyOf(key, key.length);
    }

    public Lock lock() {
        return lock;
    }
}
