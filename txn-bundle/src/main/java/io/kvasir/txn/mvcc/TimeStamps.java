package io.kvasir.txn.mvcc;

/**
 * TiKV's hybrid timestamps, as PD's TSO hands them out: physical milliseconds in the high bits,
 * an 18-bit logical counter in the low ones. TTLs and lock expiry compare physical parts.
 */
public final class TimeStamps {

    /** TiKV's {@code TSO_PHYSICAL_SHIFT_BITS}. */
    public static final int PHYSICAL_SHIFT = 18;

    private TimeStamps() {
    }

    /** The physical part, milliseconds since the Unix epoch. */
    public static long physical(long ts) {
        return ts >>> PHYSICAL_SHIFT;
    }

    public static long compose(long physicalMillis, long logical) {
        return (physicalMillis << PHYSICAL_SHIFT) | logical;
    }
}
