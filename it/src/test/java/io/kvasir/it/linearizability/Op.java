package io.kvasir.it.linearizability;

/**
 * One operation on one key of a key-value register, as a client saw it: when it was invoked, when
 * it returned, and what it returned. Values are strings; {@code null} is "absent".
 *
 * <p>An operation whose outcome the client does not know (a timeout, a dropped connection) is
 * {@linkplain #unknown unknown}: it may have taken effect at any moment after its invocation, or
 * never. Operations that certainly failed must be left out of the history.
 */
public record Op(int process, Kind kind, String key, String value, String expected, boolean ok, String read,
                 long invokedAt, long returnedAt, boolean unknown) {

    public enum Kind { READ, WRITE, CAS }

    /** A read that returned {@code read} (null: absent). */
    public static Op read(int process, String key, String read, long invokedAt, long returnedAt) {
        return new Op(process, Kind.READ, key, null, null, true, read, invokedAt, returnedAt, false);
    }

    /** A write of {@code value} (null: a delete) that was acknowledged. */
    public static Op write(int process, String key, String value, long invokedAt, long returnedAt) {
        return new Op(process, Kind.WRITE, key, value, null, true, null, invokedAt, returnedAt, false);
    }

    /** A compare-and-swap from {@code expected} to {@code value}; {@code swapped} is what it answered. */
    public static Op cas(int process, String key, String expected, String value, boolean swapped, long invokedAt, long returnedAt) {
        return new Op(process, Kind.CAS, key, value, expected, swapped, null, invokedAt, returnedAt, false);
    }

    /** This operation with its outcome unknown: it may take effect any time after invocation, or never. */
    public Op withUnknownOutcome() {
        return new Op(process, kind, key, value, expected, ok, read, invokedAt, Long.MAX_VALUE, true);
    }
}
