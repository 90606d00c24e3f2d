package io.kvasir.txn.mvcc;

import io.kvasir.raft.api.MemComparable;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * TiKV's MVCC key layout (TiKV {@code txn_types::Key}): a transactional user key is stored
 * memcomparable-encoded ({@link MemComparable}); in the {@code lock} column family as it is, in
 * {@code default} and {@code write} with a timestamp appended descending (big-endian
 * {@code ~ts}), so that the versions of one key sort newest first and a seek to
 * {@code key@ts} lands on the newest version at or below {@code ts}. The data-key prefix of the
 * engine ({@code z}) goes in front of all of them.
 */
public final class TxnKeys {

    private static final int TS_LEN = 8;

    private TxnKeys() {
    }

    /** The memcomparable encoding of a user key: its lock-CF key and the key regions are cut at. */
    public static byte[] encode(byte[] userKey) {
        return MemComparable.encode(userKey);
    }

    /** {@code encodedKey} with {@code ts} appended descending: its default-CF or write-CF key. */
    public static byte[] withTs(byte[] encodedKey, long ts) {
        byte[] out = Arrays.copyOf(encodedKey, encodedKey.length + TS_LEN);
        ByteBuffer.wrap(out, encodedKey.length, TS_LEN).putLong(~ts);
        return out;
    }

    /** The timestamp at the end of a versioned key. */
    public static long ts(byte[] versionedKey) {
        if (versionedKey.length < TS_LEN) {
            throw new IllegalArgumentException("a versioned key has at least " + TS_LEN + " bytes, got " + versionedKey.length);
        }
        return ~ByteBuffer.wrap(versionedKey, versionedKey.length - TS_LEN, TS_LEN).getLong();
    }

    /** A versioned key without its timestamp: the encoded user key. */
    public static byte[] withoutTs(byte[] versionedKey) {
        if (versionedKey.length < TS_LEN) {
            throw new IllegalArgumentException("a versioned key has at least " + TS_LEN + " bytes, got " + versionedKey.length);
        }
        return Arrays.copyOf(versionedKey, versionedKey.length - TS_LEN);
    }

    /** The user key an encoded key (with or without a timestamp) stands for. */
    public static byte[] decode(byte[] encodedKey) {
        return MemComparable.decode(encodedKey).key();
    }
}
