package io.kvasir.txn.percolator;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.txn.mvcc.Lock;
import io.kvasir.txn.mvcc.MvccReader;
import io.kvasir.txn.mvcc.TxnKeys;
import io.kvasir.txn.mvcc.Write;
import java.util.Arrays;

/**
 * Everything the store holds about one key, as TiKV's {@code MvccGetByKey} shows it: its lock, its
 * write records newest first, and its values in the default column family.
 */
final class MvccInfos {

    private MvccInfos() {
    }

    static Kvrpcpb.MvccInfo of(Snapshot s, byte[] userKey) {
        MvccReader reader = new MvccReader(s);
        Kvrpcpb.MvccInfo.Builder b = Kvrpcpb.MvccInfo.newBuilder();
        Lock lock = reader.lock(userKey);
        if (lock != null) {
            b.setLock(lock(lock));
        }
        for (MvccReader.Version v : reader.versionsAtOrBelow(userKey, Long.MAX_VALUE)) {
            Write w = v.write();
            Kvrpcpb.MvccWrite.Builder mw = Kvrpcpb.MvccWrite.newBuilder().setType(op(w.type()))
                    .setStartTs(w.startTs()).setCommitTs(v.commitTs()).setHasOverlappedRollback(w.overlappedRollback());
            if (w.shortValue() != null) {
                mw.setShortValue(ByteString.copyFrom(w.shortValue()));
            }
            if (w.gcFence() != Write.NO_GC_FENCE) {
                mw.setHasGcFence(true).setGcFence(w.gcFence());
            }
            b.addWrites(mw);
        }
        byte[] encoded = TxnKeys.encode(userKey);
        byte[] from = DataKeys.data(TxnKeys.withTs(encoded, Long.MAX_VALUE));
        byte[] to = DataKeys.data(TxnKeys.withTs(encoded, 0));
        try (EngineIterator it = s.newIterator(ColumnFamily.DEFAULT, IterOptions.range(from, Arrays.copyOf(to, to.length + 1)))) {
            for (boolean ok = it.seek(from); ok; ok = it.next()) {
                b.addValues(Kvrpcpb.MvccValue.newBuilder().setStartTs(TxnKeys.ts(it.key()))
                        .setValue(ByteString.copyFrom(it.value())));
            }
        }
        return b.build();
    }

    private static Kvrpcpb.MvccLock lock(Lock lock) {
        Kvrpcpb.MvccLock.Builder b = Kvrpcpb.MvccLock.newBuilder()
                .setType(KeyErrors.lockInfo(new byte[0], lock).getLockType())
                .setStartTs(lock.startTs()).setPrimary(ByteString.copyFrom(lock.primary())).setTtl(lock.ttl())
                .setForUpdateTs(lock.forUpdateTs()).setTxnSize(lock.txnSize()).setUseAsyncCommit(lock.useAsyncCommit());
        if (lock.shortValue() != null) {
            b.setShortValue(ByteString.copyFrom(lock.shortValue()));
        }
        if (lock.secondaries() != null) {
            lock.secondaries().forEach(k -> b.addSecondaries(ByteString.copyFrom(k)));
        }
        b.addAllRollbackTs(lock.rollbackTs());
        return b.build();
    }

    private static Kvrpcpb.Op op(Write.WriteType type) {
        return switch (type) {
            case PUT -> Kvrpcpb.Op.Put;
            case DELETE -> Kvrpcpb.Op.Del;
            case LOCK -> Kvrpcpb.Op.Lock;
            case ROLLBACK -> Kvrpcpb.Op.Rollback;
        };
    }
}
