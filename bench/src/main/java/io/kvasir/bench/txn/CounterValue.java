package io.kvasir.bench.txn;

import java.nio.ByteBuffer;

/**
 * What every key of the mix holds: a counter in the first 8 bytes (big-endian), padded with zeros
 * to the value size. Each committed read-modify-write adds one to the counter of each of its keys,
 * so the sum over all keys counts committed key writes exactly; {@link CounterAudit} checks it
 * against what the driver counted, which catches a transaction reported aborted that in fact
 * committed, or a lost update.
 */
final class CounterValue {

    static final int COUNTER_BYTES = Long.BYTES;

    private CounterValue() {
    }

    /** The counter in {@code value}; 0 for an absent or too short value. */
    static long read(byte[] value) {
        return value == null || value.length < COUNTER_BYTES ? 0 : ByteBuffer.wrap(value).getLong();
    }

    static byte[] of(long counter, int size) {
        byte[] v = new byte[Math.max(size, COUNTER_BYTES)];
        ByteBuffer.wrap(v).putLong(counter);
        return v;
    }
}
