package io.kvasir.txn.mvcc;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.raft.api.DataKeys;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads one engine snapshot's MVCC data (TiKV's {@code MvccReader} and {@code PointGetter}): a
 * key's lock, its versions in the write column family, and the value a read at a timestamp sees.
 * Keys given and returned are user keys; the reader encodes them ({@link TxnKeys}). Not
 * thread-safe; cheap to make, one per request.
 */
public final class MvccReader {

    private final Snapshot snapshot;

    public MvccReader(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    /** The key's lock, or null. */
    public Lock lock(byte[] userKey) {
        byte[] raw = snapshot.get(ColumnFamily.LOCK, DataKeys.data(TxnKeys.encode(userKey)));
        return raw == null ? null : Lock.parse(raw);
    }

    /** A write record and the commit timestamp it is stored at. */
    public record Version(long commitTs, Write write) {
    }

    /**
     * The newest write record of the key with {@code commit_ts <= ts}, of any type, or null
     * (TiKV's {@code seek_write}).
     */
    public Version seekWrite(byte[] userKey, long ts) {
        byte[] encoded = TxnKeys.encode(userKey);
        byte[] from = DataKeys.data(TxnKeys.withTs(encoded, ts));
        byte[] to = DataKeys.data(TxnKeys.withTs(encoded, 0));
        try (EngineIterator it = snapshot.newIterator(ColumnFamily.WRITE, IterOptions.range(from, justAfter(to)))) {
            if (!it.seek(from)) {
                return null;
            }
            return new Version(TxnKeys.ts(it.key()), Write.parse(it.value()));
        }
    }

    /**
     * The newest write record of the key that puts or deletes data with {@code commit_ts <= ts},
     * skipping Lock and Rollback records; null when there is none.
     */
    public Version seekDataChange(byte[] userKey, long ts) {
        byte[] encoded = TxnKeys.encode(userKey);
        byte[] from = DataKeys.data(TxnKeys.withTs(encoded, ts));
        byte[] to = DataKeys.data(TxnKeys.withTs(encoded, 0));
        try (EngineIterator it = snapshot.newIterator(ColumnFamily.WRITE, IterOptions.range(from, justAfter(to)))) {
            for (boolean ok = it.seek(from); ok; ok = it.next()) {
                Write w = Write.parse(it.value());
                if (w.isDataChange()) {
                    return new Version(TxnKeys.ts(it.key()), w);
                }
            }
        }
        return null;
    }

    /** Every write record of the key with {@code commit_ts <= ts}, newest first. */
    public java.util.List<Version> versionsAtOrBelow(byte[] userKey, long ts) {
        byte[] encoded = TxnKeys.encode(userKey);
        byte[] from = DataKeys.data(TxnKeys.withTs(encoded, ts));
        byte[] to = DataKeys.data(TxnKeys.withTs(encoded, 0));
        java.util.List<Version> out = new java.util.ArrayList<>();
        try (EngineIterator it = snapshot.newIterator(ColumnFamily.WRITE, IterOptions.range(from, justAfter(to)))) {
            for (boolean ok = it.seek(from); ok; ok = it.next()) {
                out.add(new Version(TxnKeys.ts(it.key()), Write.parse(it.value())));
            }
        }
        return out;
    }

    /**
     * The write record this transaction ({@code startTs}) left on the key, found by scanning
     * versions newer than its start: its commit, or its rollback. Null when it left none.
     */
    public Version findTxnWrite(byte[] userKey, long startTs) {
        byte[] encoded = TxnKeys.encode(userKey);
        byte[] from = DataKeys.data(TxnKeys.withTs(encoded, Long.MAX_VALUE));
        byte[] to = DataKeys.data(TxnKeys.withTs(encoded, startTs));
        try (EngineIterator it = snapshot.newIterator(ColumnFamily.WRITE, IterOptions.range(from, justAfter(to)))) {
            for (boolean ok = it.seek(from); ok; ok = it.next()) {
                long commitTs = TxnKeys.ts(it.key());
                Write w = Write.parse(it.value());
                if (w.startTs() == startTs || (commitTs == startTs && w.overlappedRollback())) {
                    return new Version(commitTs, w.startTs() == startTs ? w : Write.rollback(startTs, true));
                }
            }
        }
        return null;
    }

    /** The value a Put write record stands for: its short value, or the default CF at {@code key@start_ts}. */
    public byte[] valueOf(byte[] userKey, Write put) {
        if (put.shortValue() != null) {
            return put.shortValue();
        }
        byte[] v = snapshot.get(ColumnFamily.DEFAULT, DataKeys.data(TxnKeys.withTs(TxnKeys.encode(userKey), put.startTs())));
        if (v == null) {
            throw new BadRecordException("the value of a put at start_ts " + put.startTs() + " is missing from the"
                    + " default column family");
        }
        return v;
    }

    /**
     * What a snapshot read at {@code readTs} sees (TiKV's {@code PointGetter} under snapshot
     * isolation): the value of the newest Put committed at or before it, or null when that is a
     * Delete or there is none.
     *
     * @param resolvedLocks start_ts of locks the reader was told to skip (the client resolved them)
     * @throws KeyIsLockedException when a lock of another transaction may hide a newer value
     */
    public byte[] get(byte[] userKey, long readTs, Set<Long> resolvedLocks) {
        Lock lock = lock(userKey);
        if (lock != null && blocksRead(lock, readTs, resolvedLocks)) {
            throw new KeyIsLockedException(userKey, lock);
        }
        Version v = seekDataChange(userKey, readTs);
        if (v == null || v.write().type() == Write.WriteType.DELETE) {
            return null;
        }
        return valueOf(userKey, v.write());
    }

    /**
     * Whether a lock hides what a read at {@code readTs} must see (TiKV's {@code check_ts_conflict}):
     * only a Put or Delete lock of a transaction that started at or before the read, that the reader
     * has not been told to skip, and whose commit could still come at or before the read.
     */
    public static boolean blocksRead(Lock lock, long readTs, Set<Long> resolvedLocks) {
        if (lock.startTs() > readTs) {
            return false;
        }
        if (lock.type() == Lock.LockType.LOCK || lock.type() == Lock.LockType.PESSIMISTIC) {
            return false;
        }
        if (resolvedLocks.contains(lock.startTs())) {
            return false;
        }
        return lock.minCommitTs() <= readTs;
    }

    /** The smallest key after {@code key}: an exclusive upper bound that keeps {@code key} in range. */
    private static byte[] justAfter(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
