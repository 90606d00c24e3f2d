package io.kvasir.txn.percolator;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.txn.mvcc.TxnKeys;
import java.util.Arrays;

/**
 * The distinct user keys that have a lock or any version in {@code [lower, upper)}, in key order or
 * in reverse: the lock and write column families walked side by side, the versions of one key
 * folded into one (TiKV's scanner does the same). Bounds are data keys of encoded user keys.
 */
final class UserKeys implements AutoCloseable {

    private final EngineIterator locks;
    private final EngineIterator writes;
    private final boolean reverse;
    private boolean lockValid;
    private boolean writeValid;

    UserKeys(Snapshot s, byte[] lower, byte[] upper, boolean reverse) {
        this.reverse = reverse;
        this.locks = s.newIterator(ColumnFamily.LOCK, IterOptions.range(lower, upper));
        this.writes = s.newIterator(ColumnFamily.WRITE, IterOptions.range(lower, upper));
        this.lockValid = reverse ? locks.seekToLast() : locks.seek(lower);
        this.writeValid = reverse ? writes.seekToLast() : writes.seek(lower);
    }

    /** The next user key in the walk's direction, or null at the end. */
    byte[] next() {
        byte[] lockKey = lockValid ? DataKeys.origin(locks.key()) : null;
        byte[] writeKey = writeValid ? TxnKeys.withoutTs(DataKeys.origin(writes.key())) : null;
        if (lockKey == null && writeKey == null) {
            return null;
        }
        byte[] encoded;
        if (lockKey == null) {
            encoded = writeKey;
        } else if (writeKey == null) {
            encoded = lockKey;
        } else {
            boolean lockFirst = Arrays.compareUnsigned(lockKey, writeKey) <= 0;
            encoded = lockFirst != reverse ? lockKey : writeKey;
        }
        if (lockKey != null && Arrays.equals(lockKey, encoded)) {
            lockValid = reverse ? locks.prev() : locks.next();
        }
        if (writeKey != null && Arrays.equals(writeKey, encoded)) {
            writeValid = reverse ? skipBefore(encoded) : skipAfter(encoded);
        }
        return TxnKeys.decode(encoded);
    }

    /** Past every version of {@code encoded} at once, forward: its oldest possible version is key@0. */
    private boolean skipAfter(byte[] encoded) {
        byte[] oldest = DataKeys.data(TxnKeys.withTs(encoded, 0));
        return writes.seek(Arrays.copyOf(oldest, oldest.length + 1));
    }

    /** Before every version of {@code encoded}, backward: the key itself sorts before all of them. */
    private boolean skipBefore(byte[] encoded) {
        byte[] key = DataKeys.data(encoded);
        if (!writes.seekForPrev(key)) {
            return false;
        }
        // No write record sits at the bare key, but be exact should one compare equal.
        return !Arrays.equals(writes.key(), key) || writes.prev();
    }

    @Override
    public void close() {
        locks.close();
        writes.close();
    }
}
