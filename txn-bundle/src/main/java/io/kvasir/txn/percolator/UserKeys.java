package io.kvasir.txn.percolator;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.txn.mvcc.TxnKeys;
import java.util.Arrays;

/**
 * The distinct user keys that have a lock or any version in a range, in key order: the lock and
 * write column families walked side by side, versions of one key folded into one (TiKV's scanner
 * does the same). Bounds are data keys of encoded user keys.
 */
final class UserKeys implements AutoCloseable {

    private final EngineIterator locks;
    private final EngineIterator writes;
    private boolean lockValid;
    private boolean writeValid;

    UserKeys(Snapshot s, byte[] lower, byte[] upper) {
        this.locks = s.newIterator(ColumnFamily.LOCK, IterOptions.range(lower, upper));
        this.writes = s.newIterator(ColumnFamily.WRITE, IterOptions.range(lower, upper));
        this.lockValid = locks.seek(lower);
        this.writeValid = writes.seek(lower);
    }

    /** The next user key, or null at the end. */
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
            encoded = Arrays.compareUnsigned(lockKey, writeKey) <= 0 ? lockKey : writeKey;
        }
        if (lockKey != null && Arrays.equals(lockKey, encoded)) {
            lockValid = locks.next();
        }
        if (writeKey != null && Arrays.equals(writeKey, encoded)) {
            // Past every version of this key at once: its oldest possible version is key@0.
            byte[] oldest = DataKeys.data(TxnKeys.withTs(encoded, 0));
            writeValid = writes.seek(Arrays.copyOf(oldest, oldest.length + 1));
        }
        return TxnKeys.decode(encoded);
    }

    @Override
    public void close() {
        locks.close();
        writes.close();
    }
}
