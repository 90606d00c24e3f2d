package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.RaftCmdpb.ChangePeerRequest;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.kvproto.RaftCmdpb.PrepareMergeRequest;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.PeerState;
import io.kvasir.kvproto.RaftServerpb.RegionLocalState;
import io.kvasir.raft.core.ConfChanges;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one region's committed entries to the engine, in index order, and keeps its
 * {@code RaftApplyState} (TiKV {@code apply.rs}, reduced to normal commands).
 *
 * <p>Exactly-once: the data changes of a run of entries and the apply state naming the last of
 * them go into one batch ({@link #stage} then {@link #stageState}), so after a crash the engine
 * holds either both or neither, and replay starts right after the last applied entry. The
 * in-memory state moves only once that batch is written ({@link #applied}).
 *
 * <p>What an entry does: an empty normal entry (a new leader's no-op) only advances the applied
 * index; a membership change moves the region's peers ({@link RegionMembership}); a normal entry is decoded as a {@code RaftCmdRequest}, checked
 * ({@link WriteCommands#check}) and written. A command that fails its check, or does not decode,
 * changes no data and is answered with the error: the outcome depends only on the entry and the
 * region, so every replica makes the same choice. Not thread-safe: the driver thread owns it.
 */
final class Applier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /**
     * The result of one applied entry: {@code error} is null when the command took effect;
     * {@code confChange} is the membership change to hand the Raft node once the batch is
     * written, null for other entries or a refused change.
     */
    record Outcome(long index, long term, PeerException error, ConfChangeV2 confChange, List<Metapb.Region> split,
            Metapb.Region mergedSource) {

        Outcome(long index, long term, PeerException error, ConfChangeV2 confChange) {
            this(index, term, error, confChange, null, null);
        }

        Outcome(long index, long term, PeerException error, ConfChangeV2 confChange, List<Metapb.Region> split) {
            this(index, term, error, confChange, split, null);
        }
    }

    /**
     * Whether this store's peer of a merge's source region has applied up to the merge's commit
     * index, so that the target may take the source's range (TiKV's {@code CatchUpLogs}): returns
     * the source region as that peer applied PrepareMerge, or null when it has not caught up yet
     * (the target's apply then pauses at the CommitMerge; see {@link #pausedForMerge}). Throws when
     * it never will: then the target must stop rather than take a range whose data is incomplete.
     */
    interface MergeSourceCatchUp {
        Metapb.Region catchUp(CommitMergeRequest request);
    }

    private final long regionId;
    private final KvEngine engine;
    private final EngineLimits limits;
    private Metapb.Region region;
    private RaftApplyState state;
    /** The index of the last entry staged; equal to the state's once written. */
    private long stagedIndex;
    /** The region after the staged entries; equal to {@link #region} once written. */
    private Metapb.Region stagedRegion;
    /** The merge this region prepared as a source, null when none; and after the staged entries. */
    private MergeState merging;
    private MergeState stagedMerging;
    private final MergeSourceCatchUp mergeSources;
    /** Set when the last {@link #stage} stopped at a CommitMerge whose source is not ready. */
    private boolean pausedForMerge;

    Applier(KvEngine engine, Metapb.Region region, RaftApplyState state) {
        this(engine, region, state, null, request -> {
            throw new IllegalStateException("no merge sources here");
        });
    }

    Applier(KvEngine engine, Metapb.Region region, RaftApplyState state, MergeState merging,
            MergeSourceCatchUp mergeSources) {
        this.engine = engine;
        this.limits = engine.limits();
        this.regionId = region.getId();
        this.region = region;
        this.stagedRegion = region;
        this.state = state;
        this.stagedIndex = state.getAppliedIndex();
        this.merging = merging;
        this.stagedMerging = merging;
        this.mergeSources = mergeSources;
    }

    /** The merge this region prepared as its source, or null. */
    MergeState merging() {
        return merging;
    }

    /** {@link #merging} after the entries staged so far. */
    MergeState stagedMerging() {
        return stagedMerging;
    }

    Metapb.Region region() {
        return region;
    }

    RaftApplyState state() {
        return state;
    }

    long appliedIndex() {
        return state.getAppliedIndex();
    }

    /** The index of the last entry staged (the applied index when nothing is). */
    long stagedIndex() {
        return stagedIndex;
    }

    /**
     * Adds the data changes of {@code entries} (the next ones after what is applied or staged) to
     * {@code batch} and returns the outcome of each, in order.
     */
    List<Outcome> stage(WriteBatch batch, List<Entry> entries) {
        List<Outcome> outcomes = new ArrayList<>();
        pausedForMerge = false;
        for (Entry e : entries) {
            if (e.getIndex() != stagedIndex + 1) {
                throw new IllegalStateException("region " + regionId + ": applying entry " + e.getIndex()
                        + " after " + stagedIndex);
            }
            if (ConfChanges.isConfChange(e)) {
                outcomes.add(applyConfChange(batch, e));
            } else if (e.getData().isEmpty()) {
                outcomes.add(new Outcome(e.getIndex(), e.getTerm(), null, null));
            } else {
                Outcome o = applyCommand(batch, e);
                if (o == null) {
                    pausedForMerge = true; // this entry and the rest wait for the merge's source
                    return outcomes;
                }
                outcomes.add(o);
            }
            stagedIndex = e.getIndex();
        }
        return outcomes;
    }

    /**
     * Whether the last {@link #stage} stopped at a CommitMerge whose source has not caught up:
     * only the entries before it (one per outcome) were staged.
     */
    boolean pausedForMerge() {
        return pausedForMerge;
    }

    /**
     * A membership change: the region's peers and {@code conf_ver} move with it, and the new
     * region state goes in the same batch as the apply state. A change the core made on its own
     * (leaving a joint configuration) carries no command; one from a proposal carries it as
     * context, and is refused, on every replica alike, if its epoch is stale or it does not fit.
     */
    private Outcome applyConfChange(WriteBatch batch, Entry e) {
        ConfChangeV2 cc = ConfChanges.decode(e);
        if (cc == null) {
            return new Outcome(e.getIndex(), e.getTerm(), new PeerException.InvalidCommand(regionId,
                    "entry " + e.getIndex() + " does not decode as a membership change"), null);
        }
        List<ChangePeerRequest> changes = List.of();
        if (!cc.getContext().isEmpty()) {
            RaftCmdRequest cmd;
            try {
                cmd = RaftCmdRequest.parseFrom(cc.getContext());
            } catch (InvalidProtocolBufferException ex) {
                return new Outcome(e.getIndex(), e.getTerm(), new PeerException.InvalidCommand(regionId,
                        "entry " + e.getIndex() + " carries a context that is no RaftCmdRequest"), null);
            }
            long asked = cmd.getHeader().getRegionEpoch().getConfVer();
            long current = stagedRegion.getRegionEpoch().getConfVer();
            if (asked != current) {
                return new Outcome(e.getIndex(), e.getTerm(), new PeerException.EpochNotMatch(regionId,
                        "membership change for conf_ver " + asked + ", region is at " + current, stagedRegion), null);
            }
            changes = RegionMembership.changesOf(cmd.getAdminRequest());
        } else if (cc.getChangesCount() != 0) {
            return new Outcome(e.getIndex(), e.getTerm(), new PeerException.InvalidCommand(regionId,
                    "entry " + e.getIndex() + " changes members without a command"), null);
        }
        Metapb.Region next;
        try {
            next = RegionMembership.apply(stagedRegion, changes);
        } catch (PeerException.InvalidCommand refused) {
            return new Outcome(e.getIndex(), e.getTerm(), refused, null);
        }
        batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId), RegionLocalState.newBuilder()
                .setState(PeerState.Normal).setRegion(next).build().toByteArray());
        LOG.info("region {}: membership change at index {}: {} -> {}", regionId, e.getIndex(),
                RegionMembership.describe(stagedRegion), RegionMembership.describe(next));
        stagedRegion = next;
        return new Outcome(e.getIndex(), e.getTerm(), null, cc);
    }

    private Outcome applyCommand(WriteBatch batch, Entry e) {
        RaftCmdRequest cmd;
        try {
            cmd = RaftCmdRequest.parseFrom(e.getData());
        } catch (InvalidProtocolBufferException ex) {
            return new Outcome(e.getIndex(), e.getTerm(), new PeerException.InvalidCommand(regionId,
                    "entry " + e.getIndex() + " does not decode as a RaftCmdRequest"), null);
        }
        if (cmd.hasAdminRequest()) {
            switch (cmd.getAdminRequest().getCmdType()) {
                case BatchSplit -> {
                    return applySplit(batch, e, cmd);
                }
                case PrepareMerge -> {
                    return applyPrepareMerge(batch, e, cmd);
                }
                case CommitMerge -> {
                    return applyCommitMerge(batch, e, cmd);
                }
                case RollbackMerge -> {
                    return applyRollbackMerge(batch, e, cmd);
                }
                default -> {
                    // refused below, as every other admin command
                }
            }
        }
        try {
            WriteCommands.check(cmd, stagedRegion, limits);
        } catch (PeerException refused) {
            return new Outcome(e.getIndex(), e.getTerm(), refused, null);
        }
        WriteCommands.addTo(batch, cmd, stagedRegion);
        return new Outcome(e.getIndex(), e.getTerm(), null, null);
    }

    /**
     * A batch split: the parent keeps its id on one piece, the others become new regions whose
     * region, Raft and apply states go in this batch; the driver opens their peers once it is
     * written. Refused, on every replica alike, when the epoch is stale or the keys do not fit.
     */
    private Outcome applySplit(WriteBatch batch, Entry e, RaftCmdRequest cmd) {
        Metapb.RegionEpoch asked = cmd.getHeader().getRegionEpoch();
        Metapb.RegionEpoch current = stagedRegion.getRegionEpoch();
        if (!asked.equals(current)) {
            return new Outcome(e.getIndex(), e.getTerm(), new PeerException.EpochNotMatch(regionId,
                    "split for epoch " + asked.getVersion() + "/" + asked.getConfVer() + ", region is at "
                            + current.getVersion() + "/" + current.getConfVer(), stagedRegion), null);
        }
        List<Metapb.Region> pieces;
        try {
            pieces = RegionSplits.apply(stagedRegion, cmd.getAdminRequest().getSplits());
        } catch (PeerException.InvalidCommand refused) {
            return new Outcome(e.getIndex(), e.getTerm(), refused, null);
        }
        Metapb.Region derived = null;
        for (Metapb.Region r : pieces) {
            batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(r.getId()), RegionLocalState.newBuilder()
                    .setState(PeerState.Normal).setRegion(r).build().toByteArray());
            if (r.getId() == regionId) {
                derived = r;
            } else {
                PeerBootstrap.stageSplitRegionState(engine, batch, r.getId());
            }
        }
        LOG.info("region {}: split at index {} into {} regions, version {}", regionId, e.getIndex(), pieces.size(),
                derived.getRegionEpoch().getVersion());
        stagedRegion = derived;
        return new Outcome(e.getIndex(), e.getTerm(), null, null, pieces);
    }

    /**
     * PrepareMerge, in the source's log: freezes the region ({@link RegionMerges#prepared}) and
     * records the merge, with this entry's index as its commit point. From here on the region
     * applies no write (their epochs are stale) until CommitMerge in the target's log takes its
     * range or RollbackMerge thaws it.
     */
    private Outcome applyPrepareMerge(WriteBatch batch, Entry e, RaftCmdRequest cmd) {
        Outcome stale = checkFullEpoch(e, cmd, "prepare merge");
        if (stale != null) {
            return stale;
        }
        PrepareMergeRequest request = cmd.getAdminRequest().getPrepareMerge();
        try {
            if (stagedMerging != null) {
                throw new PeerException.InvalidCommand(regionId, "already merging into region "
                        + stagedMerging.getTarget().getId());
            }
            RegionMerges.check(stagedRegion, request.getTarget());
        } catch (PeerException.InvalidCommand refused) {
            return new Outcome(e.getIndex(), e.getTerm(), refused, null);
        }
        Metapb.Region next = RegionMerges.prepared(stagedRegion);
        MergeState state = MergeState.newBuilder().setMinIndex(request.getMinIndex()).setTarget(request.getTarget())
                .setCommit(e.getIndex()).build();
        putRegionState(batch, regionId, PeerState.Merging, next, state);
        LOG.info("region {}: prepared to merge into region {} at index {} (min index {})", regionId,
                request.getTarget().getId(), e.getIndex(), request.getMinIndex());
        stagedRegion = next;
        stagedMerging = state;
        return new Outcome(e.getIndex(), e.getTerm(), null, null);
    }

    /**
     * CommitMerge, in the target's log: once this store's source peer applied everything up to
     * the merge's commit point, the target takes the source's range, and the source leaves a
     * tombstone and its Raft state goes, in this same batch. Its data stays: it is the target's now.
     */
    private Outcome applyCommitMerge(WriteBatch batch, Entry e, RaftCmdRequest cmd) {
        Outcome stale = checkFullEpoch(e, cmd, "commit merge");
        if (stale != null) {
            return stale;
        }
        CommitMergeRequest request = cmd.getAdminRequest().getCommitMerge();
        Metapb.Region source = request.getSource();
        Metapb.Region next;
        try {
            if (stagedMerging != null) {
                throw new PeerException.InvalidCommand(regionId, "it is itself merging into region "
                        + stagedMerging.getTarget().getId());
            }
            next = RegionMerges.merged(stagedRegion, source);
        } catch (PeerException.InvalidCommand refused) {
            return new Outcome(e.getIndex(), e.getTerm(), refused, null);
        }
        Metapb.Region local = mergeSources.catchUp(request);
        if (local == null) {
            return null;
        }
        if (local.getId() != source.getId() || !local.getRegionEpoch().equals(source.getRegionEpoch())
                || !local.getStartKey().equals(source.getStartKey()) || !local.getEndKey().equals(source.getEndKey())) {
            throw new IllegalStateException("region " + regionId + ": merge source here is "
                    + RegionMembership.describe(local) + ", the merge names " + RegionMembership.describe(source));
        }
        long sourceId = source.getId();
        batch.deleteRange(ColumnFamily.RAFT, LocalKeys.regionRaftPrefix(sourceId), LocalKeys.regionRaftPrefixEnd(sourceId));
        putRegionState(batch, sourceId, PeerState.Tombstone, source, MergeState.newBuilder()
                .setTarget(next).setCommit(request.getCommit()).build());
        putRegionState(batch, regionId, PeerState.Normal, next, null);
        LOG.info("region {}: merged region {} at index {}: {}", regionId, sourceId, e.getIndex(),
                RegionMembership.describe(next));
        stagedRegion = next;
        return new Outcome(e.getIndex(), e.getTerm(), null, null, null, source);
    }

    /** RollbackMerge, in the source's log: the merge will never commit; the region serves again. */
    private Outcome applyRollbackMerge(WriteBatch batch, Entry e, RaftCmdRequest cmd) {
        Outcome stale = checkFullEpoch(e, cmd, "rollback merge");
        if (stale != null) {
            return stale;
        }
        long commit = cmd.getAdminRequest().getRollbackMerge().getCommit();
        if (stagedMerging == null || stagedMerging.getCommit() != commit) {
            return new Outcome(e.getIndex(), e.getTerm(), new PeerException.InvalidCommand(regionId,
                    "no merge prepared at index " + commit + " to roll back"), null);
        }
        Metapb.Region next = RegionMerges.rolledBack(stagedRegion);
        putRegionState(batch, regionId, PeerState.Normal, next, null);
        LOG.info("region {}: merge into region {} rolled back at index {}", regionId,
                stagedMerging.getTarget().getId(), e.getIndex());
        stagedRegion = next;
        stagedMerging = null;
        return new Outcome(e.getIndex(), e.getTerm(), null, null);
    }

    /** Null when the command's epoch is the region's, both version and conf_ver; else the refusal. */
    private Outcome checkFullEpoch(Entry e, RaftCmdRequest cmd, String what) {
        Metapb.RegionEpoch asked = cmd.getHeader().getRegionEpoch();
        Metapb.RegionEpoch current = stagedRegion.getRegionEpoch();
        if (asked.equals(current)) {
            return null;
        }
        return new Outcome(e.getIndex(), e.getTerm(), new PeerException.EpochNotMatch(regionId,
                what + " for epoch " + asked.getVersion() + "/" + asked.getConfVer() + ", region is at "
                        + current.getVersion() + "/" + current.getConfVer(), stagedRegion), null);
    }

    private static void putRegionState(WriteBatch batch, long regionId, PeerState state, Metapb.Region region,
            MergeState merge) {
        RegionLocalState.Builder b = RegionLocalState.newBuilder().setState(state).setRegion(region);
        if (merge != null) {
            b.setMergeState(merge);
        }
        batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId), b.build().toByteArray());
    }

    /**
     * Adds to {@code batch} the apply state after everything staged, with {@code truncated} as the
     * log's truncated state, and returns it; install it with {@link #applied} once written.
     */
    RaftApplyState stageState(WriteBatch batch, RaftTruncatedState truncated) {
        RaftApplyState next = state.toBuilder().setAppliedIndex(stagedIndex).setTruncatedState(truncated).build();
        batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(regionId), next.toByteArray());
        return next;
    }

    /** The batch holding {@code next} was written. */
    void applied(RaftApplyState next) {
        state = next;
        region = stagedRegion;
        merging = stagedMerging;
    }

    /** The staged batch was not written: forget what was staged. */
    void abandonStaged() {
        stagedIndex = state.getAppliedIndex();
        stagedRegion = region;
        stagedMerging = merging;
    }

    /** A snapshot replaced the region's data and state: start over from it. */
    void restored(Metapb.Region snapshotRegion, RaftApplyState snapshotState) {
        region = snapshotRegion;
        stagedRegion = snapshotRegion;
        state = snapshotState;
        stagedIndex = snapshotState.getAppliedIndex();
        merging = null;
        stagedMerging = null;
    }
}
