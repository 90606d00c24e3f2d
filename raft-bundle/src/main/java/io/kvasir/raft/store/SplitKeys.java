package io.kvasir.raft.store;

import io.kvasir.raft.api.MemComparable;
import java.util.Arrays;

/**
 * Where a region may be cut. Transactional data is stored as memcomparable user keys with a
 * timestamp appended, so a split key the engine proposes may fall between two versions of one
 * user key; the cut then moves to the user key itself (TiKV truncates the ts the same way), so
 * that every version of a key stays in one region. Raw keys are left as they are, unless one
 * happens to have exactly that shape, which only moves its cut a little.
 */
final class SplitKeys {

    private static final int TS_LEN = 8;

    private SplitKeys() {
    }

    /** {@code key} without its timestamp if it is an encoded user key with one, else {@code key}. */
    static byte[] atUserKey(byte[] key) {
        int encodedLength = key.length - TS_LEN;
        if (encodedLength <= 0 || encodedLength % 9 != 0) {
            return key;
        }
        byte[] encoded = Arrays.copyOf(key, encodedLength);
        try {
            return MemComparable.decode(encoded).consumed() == encodedLength ? encoded : key;
        } catch (IllegalArgumentException notEncoded) {
            return key;
        }
    }
}
