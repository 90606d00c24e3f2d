package io.kvasir.txn.mvcc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A lock record of the {@code lock} column family, in TiKV's format ({@code txn_types::Lock}):
 * the type ({@code P}ut, {@code D}elete, {@code L}ock, pe{@code S}simistic), the primary key
 * (compact bytes), {@code start_ts} and {@code ttl} (varints), then optional fields, each behind
 * a one-byte prefix, in this order: a short value ({@code v}, a length byte and the bytes),
 * {@code for_update_ts} ({@code f}), {@code txn_size} ({@code t}), {@code min_commit_ts}
 * ({@code c}), async-commit secondaries ({@code a}), protected rollback timestamps ({@code r}), the
 * last change ({@code l}), the transaction source ({@code s}), locked-with-conflict ({@code F}),
 * the generation ({@code g}). A reader stops at a prefix it does not know, as TiKV's does, so
 * records from newer versions still parse.
 *
 * @param shortValue     the value of a Put lock when at most {@link Write#SHORT_VALUE_MAX_LEN}
 *                       bytes (it then goes in the write record, not the default CF); null otherwise
 * @param forUpdateTs    non-zero for a pessimistic transaction's lock
 * @param minCommitTs    the commit must be at or above it; readers push it past their start_ts
 * @param secondaries    async commit: the primary lists the transaction's other keys; null otherwise
 * @param rollbackTs     rollbacks of other transactions protected while this lock was in place
 */
public record Lock(LockType type, byte[] primary, long startTs, long ttl, byte[] shortValue, long forUpdateTs,
        long txnSize, long minCommitTs, List<byte[]> secondaries, List<Long> rollbackTs, long lastChangeTs,
        long versionsToLastChange, long txnSource, boolean lockedWithConflict, long generation) {

    private static final int SHORT_VALUE_PREFIX = 'v';
    private static final int FOR_UPDATE_TS_PREFIX = 'f';
    private static final int TXN_SIZE_PREFIX = 't';
    private static final int MIN_COMMIT_TS_PREFIX = 'c';
    private static final int ASYNC_COMMIT_PREFIX = 'a';
    private static final int ROLLBACK_TS_PREFIX = 'r';
    private static final int LAST_CHANGE_PREFIX = 'l';
    private static final int TXN_SOURCE_PREFIX = 's';
    private static final int LOCKED_WITH_CONFLICT_PREFIX = 'F';
    private static final int GENERATION_PREFIX = 'g';

    /** The kinds of lock, with TiKV's flag bytes. */
    public enum LockType {
        PUT('P'), DELETE('D'), LOCK('L'), PESSIMISTIC('S');

        final int flag;

        LockType(int flag) {
            this.flag = flag;
        }

        static LockType of(int flag) {
            for (LockType t : values()) {
                if (t.flag == flag) {
                    return t;
                }
            }
            throw new BadRecordException("lock record: unknown lock type byte " + flag);
        }
    }

    public Lock {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(primary, "primary");
        if (shortValue != null && shortValue.length > Write.SHORT_VALUE_MAX_LEN) {
            throw new IllegalArgumentException("a short value has at most " + Write.SHORT_VALUE_MAX_LEN + " bytes, got "
                    + shortValue.length);
        }
        secondaries = secondaries == null ? null : List.copyOf(secondaries);
        rollbackTs = List.copyOf(rollbackTs);
    }

    /** A lock with only what every lock has, and optionally a short value; add the rest with the {@code with*} methods. */
    public static Lock of(LockType type, byte[] primary, long startTs, long ttl, byte[] shortValue) {
        return new Lock(type, primary, startTs, ttl, shortValue, 0, 0, 0, null, List.of(), 0, 0, 0, false, 0);
    }

    public Lock withForUpdateTs(long ts) {
        return new Lock(type, primary, startTs, ttl, shortValue, ts, txnSize, minCommitTs, secondaries, rollbackTs,
                lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public Lock withTxnSize(long size) {
        return new Lock(type, primary, startTs, ttl, shortValue, forUpdateTs, size, minCommitTs, secondaries, rollbackTs,
                lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public Lock withMinCommitTs(long ts) {
        return new Lock(type, primary, startTs, ttl, shortValue, forUpdateTs, txnSize, ts, secondaries, rollbackTs,
                lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public Lock withTtl(long newTtl) {
        return new Lock(type, primary, startTs, newTtl, shortValue, forUpdateTs, txnSize, minCommitTs, secondaries,
                rollbackTs, lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public Lock withRollbackTs(List<Long> ts) {
        return new Lock(type, primary, startTs, ttl, shortValue, forUpdateTs, txnSize, minCommitTs, secondaries, ts,
                lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public Lock withAsyncCommit(List<byte[]> secondaryKeys) {
        return new Lock(type, primary, startTs, ttl, shortValue, forUpdateTs, txnSize, minCommitTs, secondaryKeys,
                rollbackTs, lastChangeTs, versionsToLastChange, txnSource, lockedWithConflict, generation);
    }

    public boolean isPessimistic() {
        return forUpdateTs != 0;
    }

    public boolean useAsyncCommit() {
        return secondaries != null;
    }

    public byte[] toBytes() {
        RecordWriter w = new RecordWriter().put(type.flag).compactBytes(primary).varU64(startTs).varU64(ttl);
        if (shortValue != null) {
            w.put(SHORT_VALUE_PREFIX).put(shortValue.length).put(shortValue);
        }
        if (forUpdateTs != 0) {
            w.put(FOR_UPDATE_TS_PREFIX).u64(forUpdateTs);
        }
        if (txnSize != 0) {
            w.put(TXN_SIZE_PREFIX).u64(txnSize);
        }
        if (minCommitTs != 0) {
            w.put(MIN_COMMIT_TS_PREFIX).u64(minCommitTs);
        }
        if (secondaries != null) {
            w.put(ASYNC_COMMIT_PREFIX).varU64(secondaries.size());
            secondaries.forEach(w::compactBytes);
        }
        if (!rollbackTs.isEmpty()) {
            w.put(ROLLBACK_TS_PREFIX).varU64(rollbackTs.size());
            rollbackTs.forEach(w::u64);
        }
        if (lastChangeTs != 0 || versionsToLastChange != 0) {
            w.put(LAST_CHANGE_PREFIX).u64(lastChangeTs).varU64(versionsToLastChange);
        }
        if (txnSource != 0) {
            w.put(TXN_SOURCE_PREFIX).varU64(txnSource);
        }
        if (lockedWithConflict) {
            w.put(LOCKED_WITH_CONFLICT_PREFIX);
        }
        if (generation != 0) {
            w.put(GENERATION_PREFIX).u64(generation);
        }
        return w.toByteArray();
    }

    /** @throws BadRecordException if {@code bytes} is no lock record */
    public static Lock parse(byte[] bytes) {
        RecordReader r = new RecordReader(bytes, "lock record");
        LockType type = LockType.of(r.get());
        byte[] primary = r.compactBytes("primary key");
        long startTs = r.varU64("start_ts");
        long ttl = r.varU64("ttl");
        byte[] shortValue = null;
        long forUpdateTs = 0;
        long txnSize = 0;
        long minCommitTs = 0;
        List<byte[]> secondaries = null;
        List<Long> rollbackTs = List.of();
        long lastChangeTs = 0;
        long versions = 0;
        long txnSource = 0;
        boolean withConflict = false;
        long generation = 0;
        fields:
        while (r.hasMore()) {
            switch (r.get()) {
                case SHORT_VALUE_PREFIX -> shortValue = r.bytes(r.get(), "short value");
                case FOR_UPDATE_TS_PREFIX -> forUpdateTs = r.u64("for_update_ts");
                case TXN_SIZE_PREFIX -> txnSize = r.u64("txn_size");
                case MIN_COMMIT_TS_PREFIX -> minCommitTs = r.u64("min_commit_ts");
                case ASYNC_COMMIT_PREFIX -> {
                    long n = r.varU64("secondaries count");
                    secondaries = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        secondaries.add(r.compactBytes("secondary key"));
                    }
                }
                case ROLLBACK_TS_PREFIX -> {
                    long n = r.varU64("rollback_ts count");
                    List<Long> ts = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        ts.add(r.u64("rollback_ts"));
                    }
                    rollbackTs = ts;
                }
                case LAST_CHANGE_PREFIX -> {
                    lastChangeTs = r.u64("last change ts");
                    versions = r.varU64("versions to last change");
                }
                case TXN_SOURCE_PREFIX -> txnSource = r.varU64("txn_source");
                case LOCKED_WITH_CONFLICT_PREFIX -> withConflict = true;
                case GENERATION_PREFIX -> generation = r.u64("generation");
                default -> {
                    break fields; // a field of a newer version: what follows is not ours to read
                }
            }
        }
        return new Lock(type, primary, startTs, ttl, shortValue, forUpdateTs, txnSize, minCommitTs, secondaries,
                rollbackTs, lastChangeTs, versions, txnSource, withConflict, generation);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lock l && Arrays.equals(toBytes(), l.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "Lock[" + type + " primary=" + Arrays.toString(primary) + " start_ts=" + startTs + " ttl=" + ttl
                + (forUpdateTs != 0 ? " for_update_ts=" + forUpdateTs : "") + (minCommitTs != 0 ? " min_commit_ts="
                + minCommitTs : "") + (txnSize != 0 ? " txn_size=" + txnSize : "") + "]";
    }
}
