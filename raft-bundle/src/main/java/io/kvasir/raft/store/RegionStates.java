package io.kvasir.raft.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb;
import io.kvasir.raft.store.peer.LocalKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The regions a store holds, persisted as TiKV's {@code RegionLocalState} under
 * {@link LocalKeys#regionStateKey}. Loaded at start; written when a region is created or changes.
 */
final class RegionStates {
    private RegionStates() {
    }

    /** Every region of the store that is not a tombstone, in region-id order. */
    static List<Metapb.Region> loadAll(KvEngine engine) {
        List<Metapb.Region> regions = new ArrayList<>();
        IterOptions range = IterOptions.range(LocalKeys.regionStateMinKey(), LocalKeys.regionStateMaxKey());
        try (EngineIterator it = engine.newIterator(ColumnFamily.RAFT, range)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                if (!LocalKeys.isRegionStateKey(it.key())) {
                    continue;
                }
                RaftServerpb.RegionLocalState state = parse(it.value());
                if (state.getState() != RaftServerpb.PeerState.Tombstone) {
                    regions.add(state.getRegion());
                }
            }
        }
        return regions;
    }

    static void save(KvEngine engine, Metapb.Region region) {
        RaftServerpb.RegionLocalState state = RaftServerpb.RegionLocalState.newBuilder()
                .setState(RaftServerpb.PeerState.Normal).setRegion(region).build();
        engine.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(region.getId()), state.toByteArray(), WriteOptions.SYNC);
    }

    /** Removes a region this store prepared but lost the bootstrap race with, and its Raft state. */
    static void delete(KvEngine engine, long regionId) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.delete(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId));
            batch.deleteRange(ColumnFamily.RAFT, LocalKeys.regionRaftPrefix(regionId), LocalKeys.regionRaftPrefixEnd(regionId));
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    private static RaftServerpb.RegionLocalState parse(byte[] raw) {
        try {
            return RaftServerpb.RegionLocalState.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt region state", e);
        }
    }
}
