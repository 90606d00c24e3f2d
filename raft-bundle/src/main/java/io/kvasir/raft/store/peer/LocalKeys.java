package io.kvasir.raft.store.peer;

import java.nio.ByteBuffer;

/**
 * TiKV's layout of region-local keys (TiKV {@code components/keys/src/lib.rs}), all in the
 * {@code raft} column family. Every local key starts with {@code 0x01}, so it sorts before every
 * data key ({@code 'z'...}, see {@link io.kvasir.raft.api.DataKeys}); ids and indexes are unsigned
 * 64-bit big-endian, so keys of one region sort together and log entries sort by index.
 *
 * <pre>
 *   0x01 0x01                              store ident
 *   0x01 0x02 region_id 0x01 log_index     raft log entry
 *   0x01 0x02 region_id 0x02               RaftLocalState   (hard state, last index)
 *   0x01 0x02 region_id 0x03               RaftApplyState   (applied index, truncated state)
 *   0x01 0x03 region_id 0x01               RegionLocalState (region meta, peer state)
 * </pre>
 *
 * Keeping TiKV's bytes lets TiKV's documentation and tools describe a Kvasir store.
 */
public final class LocalKeys {

    public static final byte LOCAL_PREFIX = 0x01;
    /** Second byte of a region's Raft keys (log, raft state, apply state). */
    public static final byte REGION_RAFT_PREFIX = 0x02;
    /** Second byte of a region's meta keys (region state). */
    public static final byte REGION_META_PREFIX = 0x03;
    public static final byte RAFT_LOG_SUFFIX = 0x01;
    public static final byte RAFT_STATE_SUFFIX = 0x02;
    public static final byte APPLY_STATE_SUFFIX = 0x03;
    public static final byte REGION_STATE_SUFFIX = 0x01;

    /** prefix (2) + region id (8) */
    private static final int REGION_PREFIX_LEN = 10;
    /** region prefix + suffix (1) + log index (8) */
    private static final int RAFT_LOG_KEY_LEN = REGION_PREFIX_LEN + 1 + 8;

    private LocalKeys() {
    }

    /** The key of the store's {@code StoreIdent}. */
    public static byte[] storeIdentKey() {
        return new byte[] {LOCAL_PREFIX, 0x01};
    }

    /** The key of entry {@code index} of the region's Raft log. */
    public static byte[] raftLogKey(long regionId, long index) {
        return ByteBuffer.allocate(RAFT_LOG_KEY_LEN)
                .put(LOCAL_PREFIX).put(REGION_RAFT_PREFIX).putLong(regionId)
                .put(RAFT_LOG_SUFFIX).putLong(index)
                .array();
    }

    /** The log index in a key made by {@link #raftLogKey}; refuses any other key. */
    public static long raftLogIndex(long regionId, byte[] key) {
        if (key.length != RAFT_LOG_KEY_LEN || !hasPrefix(key, regionSuffixed(REGION_RAFT_PREFIX, regionId, RAFT_LOG_SUFFIX))) {
            throw new IllegalArgumentException("not a raft log key of region " + regionId);
        }
        return ByteBuffer.wrap(key, REGION_PREFIX_LEN + 1, 8).getLong();
    }

    /** The key of the region's {@code RaftLocalState}. */
    public static byte[] raftStateKey(long regionId) {
        return regionSuffixed(REGION_RAFT_PREFIX, regionId, RAFT_STATE_SUFFIX);
    }

    /** The key of the region's {@code RaftApplyState}. */
    public static byte[] applyStateKey(long regionId) {
        return regionSuffixed(REGION_RAFT_PREFIX, regionId, APPLY_STATE_SUFFIX);
    }

    /** The key of the region's {@code RegionLocalState}. */
    public static byte[] regionStateKey(long regionId) {
        return regionSuffixed(REGION_META_PREFIX, regionId, REGION_STATE_SUFFIX);
    }

    /** Whether {@code key} is a {@link #regionStateKey} (of any region). */
    public static boolean isRegionStateKey(byte[] key) {
        return key.length == REGION_PREFIX_LEN + 1 && key[0] == LOCAL_PREFIX && key[1] == REGION_META_PREFIX
                && key[REGION_PREFIX_LEN] == REGION_STATE_SUFFIX;
    }

    /** The region id in a {@link #regionStateKey}. */
    public static long regionIdOfStateKey(byte[] key) {
        if (!isRegionStateKey(key)) {
            throw new IllegalArgumentException("not a region state key");
        }
        return ByteBuffer.wrap(key, 2, 8).getLong();
    }

    /** Lower bound of all region-state keys. */
    public static byte[] regionStateMinKey() {
        return new byte[] {LOCAL_PREFIX, REGION_META_PREFIX};
    }

    /** Exclusive upper bound of all region-state keys. */
    public static byte[] regionStateMaxKey() {
        return new byte[] {LOCAL_PREFIX, REGION_META_PREFIX + 1};
    }

    /** Start of every Raft key of the region: its log, raft state and apply state. */
    public static byte[] regionRaftPrefix(long regionId) {
        return regionPrefix(REGION_RAFT_PREFIX, regionId);
    }

    /** Exclusive end of {@link #regionRaftPrefix}. */
    public static byte[] regionRaftPrefixEnd(long regionId) {
        return prefixEnd(REGION_RAFT_PREFIX, regionId);
    }

    /** Start of every meta key of the region. */
    public static byte[] regionMetaPrefix(long regionId) {
        return regionPrefix(REGION_META_PREFIX, regionId);
    }

    /** Exclusive end of {@link #regionMetaPrefix}. */
    public static byte[] regionMetaPrefixEnd(long regionId) {
        return prefixEnd(REGION_META_PREFIX, regionId);
    }

    /** Start of the region's Raft log (the key of index 0). */
    public static byte[] raftLogStart(long regionId) {
        return raftLogKey(regionId, 0);
    }

    /**
     * Exclusive end of the region's Raft log: past the key of every index, including indexes above
     * {@code Long.MAX_VALUE} read as unsigned.
     */
    public static byte[] raftLogEnd(long regionId) {
        return regionSuffixed(REGION_RAFT_PREFIX, regionId, (byte) (RAFT_LOG_SUFFIX + 1));
    }

    private static byte[] regionPrefix(byte kind, long regionId) {
        return ByteBuffer.allocate(REGION_PREFIX_LEN).put(LOCAL_PREFIX).put(kind).putLong(regionId).array();
    }

    private static byte[] regionSuffixed(byte kind, long regionId, byte suffix) {
        return ByteBuffer.allocate(REGION_PREFIX_LEN + 1).put(LOCAL_PREFIX).put(kind).putLong(regionId).put(suffix)
                .array();
    }

    /** The prefix of the next region id; for the largest id (unsigned), the next kind byte. */
    private static byte[] prefixEnd(byte kind, long regionId) {
        if (regionId == -1L) {
            return new byte[] {LOCAL_PREFIX, (byte) (kind + 1)};
        }
        return regionPrefix(kind, regionId + 1);
    }

    private static boolean hasPrefix(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
