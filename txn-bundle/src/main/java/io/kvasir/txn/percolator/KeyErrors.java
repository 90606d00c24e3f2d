package io.kvasir.txn.percolator;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.DeadlockOuterClass;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.sched.DeadlockDetector;
import java.util.List;
import io.kvasir.txn.mvcc.KeyIsLockedException;
import io.kvasir.txn.mvcc.Lock;
import io.kvasir.txn.mvcc.TxnException;

/**
 * The one place a {@link TxnException} becomes the {@code KeyError} TiKV answers for it
 * ({@code extract_key_error} in TiKV's {@code storage/mod.rs}), and a lock its {@code LockInfo}.
 */
final class KeyErrors {

    private KeyErrors() {
    }

    static Kvrpcpb.KeyError of(TxnException e) {
        Kvrpcpb.KeyError.Builder b = Kvrpcpb.KeyError.newBuilder();
        if (e instanceof KeyIsLockedException locked) {
            return b.setLocked(lockInfo(locked.key(), locked.lock())).build();
        }
        if (e instanceof TxnException.WriteConflict c) {
            return b.setConflict(Kvrpcpb.WriteConflict.newBuilder().setStartTs(c.startTs())
                    .setConflictTs(c.conflictStartTs()).setConflictCommitTs(c.conflictCommitTs())
                    .setKey(ByteString.copyFrom(c.key())).setPrimary(ByteString.copyFrom(c.primary())))
                    .setRetryable(e.getMessage()).build();
        }
        if (e instanceof TxnException.AlreadyExist) {
            return b.setAlreadyExist(Kvrpcpb.AlreadyExist.newBuilder().setKey(ByteString.copyFrom(e.key()))).build();
        }
        if (e instanceof TxnException.CommitTsExpired x) {
            return b.setCommitTsExpired(Kvrpcpb.CommitTsExpired.newBuilder().setStartTs(x.startTs())
                    .setAttemptedCommitTs(x.commitTs()).setKey(ByteString.copyFrom(x.key()))
                    .setMinCommitTs(x.minCommitTs())).build();
        }
        if (e instanceof TxnException.TxnNotFound x) {
            return b.setTxnNotFound(Kvrpcpb.TxnNotFound.newBuilder().setStartTs(x.startTs())
                    .setPrimaryKey(ByteString.copyFrom(x.key()))).build();
        }
        if (e instanceof TxnException.TxnLockNotFound) {
            return b.setRetryable(e.getMessage()).build(); // TiKV answers it as a retryable text
        }
        return b.setAbort(e.getMessage()).build(); // Committed, and anything else: the client aborts
    }

    /** A deadlock: the lock waited for, and the cycle of waits the wait would have closed. */
    static Kvrpcpb.KeyError deadlock(long lockTs, byte[] lockKey, long keyHash, List<DeadlockDetector.Wait> cycle) {
        Kvrpcpb.Deadlock.Builder d = Kvrpcpb.Deadlock.newBuilder().setLockTs(lockTs)
                .setLockKey(ByteString.copyFrom(lockKey)).setDeadlockKeyHash(keyHash);
        for (DeadlockDetector.Wait w : cycle) {
            d.addWaitChain(DeadlockOuterClass.WaitForEntry.newBuilder().setTxn(w.waiter()).setWaitForTxn(w.holder())
                    .setKeyHash(w.keyHash()).setKey(ByteString.copyFrom(w.key())));
        }
        return Kvrpcpb.KeyError.newBuilder().setDeadlock(d).build();
    }

    static Kvrpcpb.LockInfo lockInfo(byte[] key, Lock lock) {
        Kvrpcpb.LockInfo.Builder b = Kvrpcpb.LockInfo.newBuilder()
                .setPrimaryLock(ByteString.copyFrom(lock.primary()))
                .setLockVersion(lock.startTs())
                .setKey(ByteString.copyFrom(key))
                .setLockTtl(lock.ttl())
                .setTxnSize(lock.txnSize())
                .setLockType(switch (lock.type()) {
                    case PUT -> Kvrpcpb.Op.Put;
                    case DELETE -> Kvrpcpb.Op.Del;
                    case LOCK -> Kvrpcpb.Op.Lock;
                    case PESSIMISTIC -> Kvrpcpb.Op.PessimisticLock;
                })
                .setLockForUpdateTs(lock.forUpdateTs())
                .setMinCommitTs(lock.minCommitTs())
                .setUseAsyncCommit(lock.useAsyncCommit());
        if (lock.secondaries() != null) {
            lock.secondaries().forEach(s -> b.addSecondaries(ByteString.copyFrom(s)));
        }
        return b.build();
    }
}
