package io.kvasir.txn.mvcc;

import java.util.ArrayList;
import java.util.List;

/**
 * The fate of an async-commit transaction from its secondaries (TiKV
 * {@code commands::check_secondary_locks}): it committed if any key did; it failed if any key is
 * neither locked (prewritten) nor committed, and that key is then rolled back so the
 * transaction can never commit there; otherwise every key is still locked.
 */
public final class SecondaryLocks {

    /** {@code locks} when every key is prewritten; {@code commitTs} when one committed; neither when rolled back. */
    public record Status(List<Lock> locks, List<byte[]> lockedKeys, long commitTs) {
    }

    private SecondaryLocks() {
    }

    public static Status check(MvccReader reader, MvccTxn txn, List<byte[]> keys, long startTs) {
        List<Lock> locks = new ArrayList<>();
        List<byte[]> lockedKeys = new ArrayList<>();
        for (byte[] key : keys) {
            Lock lock = reader.lock(key);
            if (lock != null && lock.startTs() == startTs && lock.type() != Lock.LockType.PESSIMISTIC) {
                locks.add(lock);
                lockedKeys.add(key);
                continue;
            }
            MvccReader.Version ours = reader.findTxnWrite(key, startTs);
            if (ours != null && ours.write().type() != Write.WriteType.ROLLBACK && ours.write().startTs() == startTs) {
                return new Status(List.of(), List.of(), ours.commitTs());
            }
            // Not prewritten here (or only pessimistically locked): the transaction cannot commit.
            Rollback.rollback(reader, txn, key, startTs);
            return new Status(List.of(), List.of(), 0);
        }
        return new Status(locks, lockedKeys, 0);
    }
}
