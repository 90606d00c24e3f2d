package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.PeerState;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftLocalState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.kvproto.RaftServerpb.RegionLocalState;
import io.kvasir.raft.store.snap.SnapshotPaths;

/**
 * Loads a region's persisted Raft state, or writes the initial state of a new region (TiKV
 * {@code peer_storage.rs}: {@code write_initial_raft_state}, {@code write_initial_apply_state}).
 *
 * <h2>Initial state</h2>
 * As in TiKV, a new region's log starts after index {@value #RAFT_INIT_LOG_INDEX} of term
 * {@value #RAFT_INIT_LOG_TERM}, which counts as committed, applied and truncated: the log holds
 * nothing, {@code firstIndex = 6}, {@code lastIndex = 5}, {@code term(5) = 5}, and the hard state
 * is {@code term 5, commit 5}. This is the core's bootstrap-by-snapshot
 * ({@link io.kvasir.raft.core.MemoryLogStorage#bootstrap}) at TiKV's index: the configuration comes
 * from the region's peers, not from entries, so a peer added later is caught up by a snapshot and
 * learns the configuration from it. The hard state carries term 5 (not 0) so that the first
 * election is for term 6 and terms in the log never go backwards.
 *
 * <h2>Restart</h2>
 * The three states are checked against each other ({@code truncated <= applied <= commit <= last});
 * a violation means a lost or corrupt write and fail-stops the peer rather than guess. The apply
 * state is written after the Raft state it rests on, in the same engine, so a crash cannot leave
 * it ahead of the persisted commit index (the engine's log is replayed in order).
 */
final class PeerBootstrap {

    /** TiKV's {@code RAFT_INIT_LOG_INDEX}. */
    static final long RAFT_INIT_LOG_INDEX = 5;
    /** TiKV's {@code RAFT_INIT_LOG_TERM}. */
    static final long RAFT_INIT_LOG_TERM = 5;

    /** What a peer starts from; {@code merging} is the merge it prepared, null when none. */
    record InitialState(Metapb.Region region, RaftLocalState raftState, RaftApplyState applyState,
            boolean bootstrapped, MergeState merging) {

        InitialState(Metapb.Region region, RaftLocalState raftState, RaftApplyState applyState, boolean bootstrapped) {
            this(region, raftState, applyState, bootstrapped, null);
        }
    }

    private PeerBootstrap() {
    }

    /**
     * The persisted state of {@code region}, or, when it has none, the initial state of a new
     * region, written durably before returning. The persisted region (RegionLocalState) wins over
     * {@code region}: it is the region as this store last applied it; {@code region} is only
     * written when the store holds no region state yet.
     */
    static InitialState loadOrBootstrap(KvEngine engine, SnapshotPaths paths, Metapb.Region region, Metapb.Peer self) {
        long regionId = region.getId();
        RegionLocalState regionState = read(engine, LocalKeys.regionStateKey(regionId), RegionLocalState.parser());
        RaftLocalState raftState = read(engine, LocalKeys.raftStateKey(regionId), RaftLocalState.parser());
        RaftApplyState applyState = read(engine, LocalKeys.applyStateKey(regionId), RaftApplyState.parser());
        if (regionState != null && regionState.getState() == PeerState.Tombstone) {
            throw new IllegalStateException("region " + regionId + " is a tombstone on this store");
        }
        Metapb.Region current = regionState != null ? regionState.getRegion() : region;
        if (current.getPeersList().stream().noneMatch(p -> p.getId() == self.getId())) {
            throw new IllegalArgumentException("peer " + self.getId() + " is not a member of region " + regionId);
        }
        if (raftState == null && applyState == null) {
            return bootstrap(engine, current, regionState == null);
        }
        if (raftState == null || applyState == null) {
            throw new IllegalStateException("region " + regionId + " has " + (raftState == null ? "an apply state but no raft state"
                    : "a raft state but no apply state") + ": the store is corrupt");
        }
        validate(regionId, raftState, applyState);
        if (regionState != null && regionState.getState() == PeerState.Applying) {
            SnapshotInstaller.resume(engine, paths, current, applyState);
        }
        MergeState merging = regionState != null && regionState.getState() == PeerState.Merging
                ? regionState.getMergeState() : null;
        return new InitialState(current, raftState, applyState, false, merging);
    }

    /**
     * The state of a peer created by a message from its leader: no range, no members, no data,
     * an empty log; only a hard state it may have persisted before a restart (a vote it cast).
     * Nothing is written: until a snapshot arrives, there is nothing to keep.
     */
    static InitialState uninitialized(KvEngine engine, long regionId) {
        RaftLocalState raftState = read(engine, LocalKeys.raftStateKey(regionId), RaftLocalState.parser());
        if (raftState == null || raftState.getLastIndex() != 0) {
            raftState = RaftLocalState.newBuilder()
                    .setHardState(raftState == null ? HardState.getDefaultInstance()
                            : raftState.getHardState().toBuilder().setCommit(0).build())
                    .build();
        }
        RaftApplyState applyState = RaftApplyState.newBuilder()
                .setTruncatedState(RaftTruncatedState.getDefaultInstance()).build();
        return new InitialState(Metapb.Region.newBuilder().setId(regionId).build(), raftState, applyState, false);
    }

    /** The region as this store last applied it, or null when it holds no live state of it. */
    static Metapb.Region regionOnDisk(KvEngine engine, long regionId) {
        RegionLocalState state = read(engine, LocalKeys.regionStateKey(regionId), RegionLocalState.parser());
        return state == null || state.getState() == PeerState.Tombstone ? null : state.getRegion();
    }

    /** Whether the store holds a tombstone of {@code regionId}: the region left this store (removed or merged away). */
    static boolean isTombstone(KvEngine engine, long regionId) {
        RegionLocalState state = read(engine, LocalKeys.regionStateKey(regionId), RegionLocalState.parser());
        return state != null && state.getState() == PeerState.Tombstone;
    }

    /** Whether the store holds a tombstone of {@code regionId} at least as new as {@code epoch}: a peer there must not come back. */
    static boolean isTombstoneAtLeast(KvEngine engine, long regionId, Metapb.RegionEpoch epoch) {
        RegionLocalState state = read(engine, LocalKeys.regionStateKey(regionId), RegionLocalState.parser());
        if (state == null || state.getState() != PeerState.Tombstone) {
            return false;
        }
        Metapb.RegionEpoch dead = state.getRegion().getRegionEpoch();
        return epoch.getConfVer() <= dead.getConfVer() && epoch.getVersion() <= dead.getVersion();
    }

    private static InitialState bootstrap(KvEngine engine, Metapb.Region region, boolean writeRegionState) {
        long regionId = region.getId();
        RaftLocalState raftState = RaftLocalState.newBuilder()
                .setHardState(HardState.newBuilder().setTerm(RAFT_INIT_LOG_TERM).setCommit(RAFT_INIT_LOG_INDEX))
                .setLastIndex(RAFT_INIT_LOG_INDEX)
                .build();
        RaftApplyState applyState = RaftApplyState.newBuilder()
                .setAppliedIndex(RAFT_INIT_LOG_INDEX)
                .setTruncatedState(RaftTruncatedState.newBuilder()
                        .setIndex(RAFT_INIT_LOG_INDEX).setTerm(RAFT_INIT_LOG_TERM))
                .build();
        try (WriteBatch batch = engine.newWriteBatch()) {
            if (writeRegionState) {
                batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId), RegionLocalState.newBuilder()
                        .setState(PeerState.Normal).setRegion(region).build().toByteArray());
            }
            batch.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(regionId), raftState.toByteArray());
            batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(regionId), applyState.toByteArray());
            engine.write(batch, WriteOptions.SYNC);
        }
        return new InitialState(region, raftState, applyState, true);
    }

    /**
     * Adds to {@code batch} the initial Raft and apply state of a region a split creates here (TiKV
     * {@code write_initial_states}). A peer of it that its leader created before this split was
     * applied may have voted: its term and vote are kept, so it never votes twice in a term.
     */
    static void stageSplitRegionState(KvEngine engine, WriteBatch batch, long regionId) {
        RaftLocalState existing = read(engine, LocalKeys.raftStateKey(regionId), RaftLocalState.parser());
        HardState.Builder hs = HardState.newBuilder().setTerm(RAFT_INIT_LOG_TERM).setCommit(RAFT_INIT_LOG_INDEX);
        if (existing != null && existing.getHardState().getTerm() > RAFT_INIT_LOG_TERM) {
            hs.setTerm(existing.getHardState().getTerm()).setVote(existing.getHardState().getVote());
        }
        batch.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(regionId), RaftLocalState.newBuilder()
                .setHardState(hs).setLastIndex(RAFT_INIT_LOG_INDEX).build().toByteArray());
        batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(regionId), RaftApplyState.newBuilder()
                .setAppliedIndex(RAFT_INIT_LOG_INDEX)
                .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(RAFT_INIT_LOG_INDEX).setTerm(RAFT_INIT_LOG_TERM))
                .build().toByteArray());
    }

    /** {@link #stageSplitRegionState}, written at once (synced). */
    static void writeSplitRegionState(KvEngine engine, long regionId) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            stageSplitRegionState(engine, batch, regionId);
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    /** Invariants between the persisted states; a violation is named with its values. */
    static void validate(long regionId, RaftLocalState raftState, RaftApplyState applyState) {
        long truncated = applyState.getTruncatedState().getIndex();
        long applied = applyState.getAppliedIndex();
        long commit = raftState.getHardState().getCommit();
        long last = raftState.getLastIndex();
        if (!(truncated <= applied && applied <= commit && commit <= last && truncated <= last)) {
            throw new IllegalStateException("region " + regionId + ": persisted state breaks truncated (" + truncated
                    + ") <= applied (" + applied + ") <= commit (" + commit + ") <= last (" + last + ")");
        }
    }

    static <T extends MessageLite> T read(KvEngine engine, byte[] key, Parser<T> parser) {
        byte[] raw = engine.get(ColumnFamily.RAFT, key);
        if (raw == null) {
            return null;
        }
        try {
            return parser.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt local state under a raft-CF key of " + raw.length + " bytes", e);
        }
    }
}
