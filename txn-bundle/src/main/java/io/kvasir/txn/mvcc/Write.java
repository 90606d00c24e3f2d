package io.kvasir.txn.mvcc;

import java.util.Arrays;
import java.util.Objects;

/**
 * A write record of the {@code write} column family, in TiKV's format ({@code txn_types::Write}),
 * stored at {@code key@commit_ts}: the type ({@code P}ut, {@code D}elete, {@code L}ock,
 * {@code R}ollback), {@code start_ts} (a varint), then optional fields behind one-byte prefixes: a
 * short value ({@code v}; a Put's value of at most {@value #SHORT_VALUE_MAX_LEN} bytes lives here
 * instead of the default CF), the overlapped-rollback flag ({@code R}), a GC fence ({@code F}),
 * the last change ({@code l}), the transaction source ({@code S}). A reader stops at a prefix it
 * does not know.
 *
 * @param overlappedRollback a rollback of another transaction at this same ts was folded into this
 *                           commit record (their keys collide)
 * @param gcFence            set when such a rollback rewrote the record: the commit ts of the next
 *                           version then (0: none), or -1 when the record was never rewritten
 */
public record Write(WriteType type, long startTs, byte[] shortValue, boolean overlappedRollback, long gcFence,
        long lastChangeTs, long versionsToLastChange, long txnSource) {

    /** TiKV's {@code SHORT_VALUE_MAX_LEN}. */
    public static final int SHORT_VALUE_MAX_LEN = 255;
    /** {@link #gcFence} of a record never rewritten. */
    public static final long NO_GC_FENCE = -1;

    private static final int SHORT_VALUE_PREFIX = 'v';
    private static final int OVERLAPPED_ROLLBACK_FLAG = 'R';
    private static final int GC_FENCE_PREFIX = 'F';
    private static final int LAST_CHANGE_PREFIX = 'l';
    private static final int TXN_SOURCE_PREFIX = 'S';
    /** The short value that marks a rollback GC must keep (TiKV's protected rollback). */
    private static final byte[] PROTECTED_ROLLBACK = {'p'};

    /** The kinds of write, with TiKV's flag bytes. */
    public enum WriteType {
        PUT('P'), DELETE('D'), LOCK('L'), ROLLBACK('R');

        final int flag;

        WriteType(int flag) {
            this.flag = flag;
        }

        static WriteType of(int flag) {
            for (WriteType t : values()) {
                if (t.flag == flag) {
                    return t;
                }
            }
            throw new BadRecordException("write record: unknown write type byte " + flag);
        }

        /** The write a lock of {@code lock} type commits as; a pessimistic lock commits as none. */
        public static WriteType committing(Lock.LockType lock) {
            return switch (lock) {
                case PUT -> PUT;
                case DELETE -> DELETE;
                case LOCK -> LOCK;
                case PESSIMISTIC -> throw new IllegalArgumentException("a pessimistic lock is not committed as a write");
            };
        }
    }

    public Write {
        Objects.requireNonNull(type, "type");
        if (shortValue != null && shortValue.length > SHORT_VALUE_MAX_LEN) {
            throw new IllegalArgumentException("a short value has at most " + SHORT_VALUE_MAX_LEN + " bytes, got "
                    + shortValue.length);
        }
    }

    public static Write of(WriteType type, long startTs, byte[] shortValue) {
        return new Write(type, startTs, shortValue, false, NO_GC_FENCE, 0, 0, 0);
    }

    /** A rollback record; a protected one survives GC's collapsing of rollbacks. */
    public static Write rollback(long startTs, boolean protect) {
        return of(WriteType.ROLLBACK, startTs, protect ? PROTECTED_ROLLBACK.clone() : null);
    }

    /** This commit record, also standing for a rollback at the same ts, with {@code fence} as its GC fence. */
    public Write withOverlappedRollback(long fence) {
        return new Write(type, startTs, shortValue, true, fence, lastChangeTs, versionsToLastChange, txnSource);
    }

    public boolean isProtectedRollback() {
        return type == WriteType.ROLLBACK && shortValue != null && Arrays.equals(shortValue, PROTECTED_ROLLBACK);
    }

    /** Whether reads see data here: a Put or a Delete (Lock and Rollback records are skipped). */
    public boolean isDataChange() {
        return type == WriteType.PUT || type == WriteType.DELETE;
    }

    public byte[] toBytes() {
        RecordWriter w = new RecordWriter().put(type.flag).varU64(startTs);
        if (shortValue != null) {
            w.put(SHORT_VALUE_PREFIX).put(shortValue.length).put(shortValue);
        }
        if (overlappedRollback) {
            w.put(OVERLAPPED_ROLLBACK_FLAG);
        }
        if (gcFence != NO_GC_FENCE) {
            w.put(GC_FENCE_PREFIX).u64(gcFence);
        }
        if (lastChangeTs != 0 || versionsToLastChange != 0) {
            w.put(LAST_CHANGE_PREFIX).u64(lastChangeTs).varU64(versionsToLastChange);
        }
        if (txnSource != 0) {
            w.put(TXN_SOURCE_PREFIX).varU64(txnSource);
        }
        return w.toByteArray();
    }

    /** @throws BadRecordException if {@code bytes} is no write record */
    public static Write parse(byte[] bytes) {
        RecordReader r = new RecordReader(bytes, "write record");
        WriteType type = WriteType.of(r.get());
        long startTs = r.varU64("start_ts");
        byte[] shortValue = null;
        boolean overlapped = false;
        long gcFence = NO_GC_FENCE;
        long lastChangeTs = 0;
        long versions = 0;
        long txnSource = 0;
        fields:
        while (r.hasMore()) {
            switch (r.get()) {
                case SHORT_VALUE_PREFIX -> shortValue = r.bytes(r.get(), "short value");
                case OVERLAPPED_ROLLBACK_FLAG -> overlapped = true;
                case GC_FENCE_PREFIX -> gcFence = r.u64("gc fence");
                case LAST_CHANGE_PREFIX -> {
                    lastChangeTs = r.u64("last change ts");
                    versions = r.varU64("versions to last change");
                }
                case TXN_SOURCE_PREFIX -> txnSource = r.varU64("txn_source");
                default -> {
                    break fields; // a field of a newer version
                }
            }
        }
        return new Write(type, startTs, shortValue, overlapped, gcFence, lastChangeTs, versions, txnSource);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Write w && Arrays.equals(toBytes(), w.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "Write[" + type + " start_ts=" + startTs + (shortValue != null ? " short value of " + shortValue.length
                + " bytes" : "") + (overlappedRollback ? " +rollback" : "") + "]";
    }
}
