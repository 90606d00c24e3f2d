package io.kvasir.engine.lmdb;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The mapping of user keys to LMDB keys. LMDB refuses empty keys and keys longer than its
 * compile-time {@code MDB_MAXKEYSIZE} (511 bytes), so every key is stored behind a one-byte prefix
 * ({@code 0x00}): the empty user key becomes {@code [0x00]}, the order of keys is unchanged (all
 * share the prefix), and the largest user key is one byte shorter than LMDB's limit.
 *
 * <p>Range bounds may be one byte longer than a key ({@code key + 0x00}); such a bound cannot be
 * given to LMDB, so a seek uses the bound truncated to the longest storable key and the caller
 * skips the (at most one) stored key that sorts below the real bound ({@link #seekTarget}).
 *
 * <p>Keys go to LMDB through a direct buffer per thread, filled right before each native call and
 * not used after it returns: LMDB copies the key or returns pointers into its own pages.
 */
final class LmdbKeys {
    static final byte PREFIX = 0;

    private final int maxKeySize;
    private final ThreadLocal<ByteBuffer> buffers;

    /** @param lmdbMaxKeySize LMDB's own limit, {@code mdb_env_get_maxkeysize} */
    LmdbKeys(int lmdbMaxKeySize) {
        this.maxKeySize = lmdbMaxKeySize - 1;
        this.buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(lmdbMaxKeySize));
    }

    /** The largest user key: LMDB's limit less the prefix byte. */
    int maxKeySize() {
        return maxKeySize;
    }

    /** The stored form of {@code key}, which must be at most {@link #maxKeySize()} bytes. */
    ByteBuffer encode(byte[] key) {
        if (key.length > maxKeySize) {
            throw new IllegalArgumentException("key of " + key.length + " bytes reached LMDB unchecked");
        }
        ByteBuffer buffer = buffers.get();
        buffer.clear();
        buffer.put(PREFIX).put(key).flip();
        return buffer;
    }

    /**
     * The stored key to position a cursor at for the first key {@code >= target}: the target
     * itself, or its longest storable prefix when it is longer than any key. A truncated target
     * sorts at or below the real one, so the cursor lands at or before the wanted key; keys it
     * passes that are below {@code target} must be skipped by the caller.
     */
    ByteBuffer seekTarget(byte[] target) {
        return encode(target.length > maxKeySize ? Arrays.copyOf(target, maxKeySize) : target);
    }

    /** A fresh copy of the user key held in a stored key. */
    static byte[] decode(ByteBuffer stored) {
        byte[] key = new byte[stored.remaining() - 1];
        stored.get(stored.position() + 1, key);
        return key;
    }

    /** A fresh copy of a value. */
    static byte[] copy(ByteBuffer value) {
        byte[] bytes = new byte[value.remaining()];
        value.get(value.position(), bytes);
        return bytes;
    }

    /** Compares a stored key with a user key, unsigned, as {@code Arrays.compareUnsigned} would. */
    static int compare(ByteBuffer stored, byte[] userKey) {
        int base = stored.position() + 1;
        int length = stored.remaining() - 1;
        int common = Math.min(length, userKey.length);
        for (int i = 0; i < common; i++) {
            int c = Integer.compare(stored.get(base + i) & 0xFF, userKey[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(length, userKey.length);
    }
}
