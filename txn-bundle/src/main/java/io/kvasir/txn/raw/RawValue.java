package io.kvasir.txn.raw;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How a raw value is stored: the user's bytes followed by 8 bytes (big-endian) holding the Unix
 * second at which it expires, 0 for never (TiKV's API V1 TTL layout). Every raw value carries the
 * suffix, so turning TTL support on or off never changes the format of data already written.
 */
public record RawValue(byte[] value, long expireAtSeconds) {
    private static final int SUFFIX = Long.BYTES;

    public static byte[] encode(byte[] value, long expireAtSeconds) {
        return ByteBuffer.allocate(value.length + SUFFIX).put(value).putLong(expireAtSeconds).array();
    }

    /** @throws IllegalStateException if {@code stored} is too short to be a raw value */
    public static RawValue decode(byte[] stored) {
        if (stored.length < SUFFIX) {
            throw new IllegalStateException("corrupt raw value: " + stored.length + " bytes, need at least " + SUFFIX);
        }
        long expireAt = ByteBuffer.wrap(stored, stored.length - SUFFIX, SUFFIX).getLong();
        return new RawValue(Arrays.copyOf(stored, stored.length - SUFFIX), expireAt);
    }

    /** The expiry second of a value written at {@code nowSeconds} with {@code ttlSeconds}; 0 = never. */
    public static long expiry(long nowSeconds, long ttlSeconds) {
        return ttlSeconds <= 0 ? 0 : Math.addExact(nowSeconds, ttlSeconds);
    }

    public boolean isExpired(long nowSeconds) {
        return expireAtSeconds != 0 && expireAtSeconds <= nowSeconds;
    }

    /** Seconds left, 0 for a value without TTL. */
    public long ttlLeft(long nowSeconds) {
        return expireAtSeconds == 0 ? 0 : Math.max(0, expireAtSeconds - nowSeconds);
    }
}
