package io.kvasir.raft.api;

/**
 * Where user data lives in a store's engine. As in TiKV, every user key is stored behind the
 * prefix {@code 'z'}, so region-local metadata (prefix {@code 0x01}) sorts apart from it.
 */
public final class DataKeys {
    /** Prefix of every user key in the engine. */
    public static final byte DATA_PREFIX = 'z';
    /** The smallest data key and the bound just past the largest one. */
    public static final byte[] DATA_MIN = {DATA_PREFIX};
    public static final byte[] DATA_MAX = {DATA_PREFIX + 1};

    private DataKeys() {
    }

    /** The engine key of user key {@code key}. */
    public static byte[] data(byte[] key) {
        byte[] out = new byte[key.length + 1];
        out[0] = DATA_PREFIX;
        System.arraycopy(key, 0, out, 1, key.length);
        return out;
    }

    /** The engine bound of a region end key; an empty (unbounded) end becomes {@link #DATA_MAX}. */
    public static byte[] dataEnd(byte[] endKey) {
        return endKey.length == 0 ? DATA_MAX.clone() : data(endKey);
    }

    /** The user key of engine key {@code dataKey}. */
    public static byte[] origin(byte[] dataKey) {
        if (dataKey.length == 0 || dataKey[0] != DATA_PREFIX) {
            throw new IllegalArgumentException("not a data key");
        }
        byte[] out = new byte[dataKey.length - 1];
        System.arraycopy(dataKey, 1, out, 0, out.length);
        return out;
    }
}
