package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.RaftCmdpb.AdminCmdType;
import io.kvasir.kvproto.RaftCmdpb.AdminRequest;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.raft.core.ConfChangeRefusedException;
import io.kvasir.raft.core.ConfChanges;
import io.kvasir.raft.core.ProposalDroppedException;
import io.kvasir.raft.core.RaftStatus;
import io.kvasir.raft.core.RawNode;
import io.kvasir.raft.core.Ready;
import io.kvasir.raft.core.SoftState;
import io.kvasir.raft.core.StateRole;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's peer on this store, the Raft side: its Raft node ({@link RawNode}) over its log
 * ({@link EngineLogStorage}), its waiting proposals ({@link ProposalQueue}) and reads
 * ({@link ReadQueue}), and the region as its {@link ApplyFsm} last reported it. It knows nothing
 * of threads: the raft poller running its {@link PeerFsm} calls it, one thread at a time, and
 * decides when to persist, so that a batch of peers shares one synced write.
 *
 * <p>A Ready is handled in phases, in the order of the Ready contract: {@link #takeReady} installs
 * a snapshot if the Ready carries one (only once the apply machine applied everything handed to
 * it) and stages the log writes, the poller adds them to the shared batch ({@link ReadyWork#addTo})
 * and writes it, then {@link #persisted} (place proposals, publish, send messages),
 * {@link #handOver} (committed entries, with their proposals' futures, to the apply machine),
 * {@link #advance}. The apply machine's results come back through {@link #applied}. An exception
 * in any phase is the poller's cue to {@link #fail} this peer; the others go on.
 *
 * <p>A peer created by a message from its leader starts <em>uninitialized</em>: it knows its
 * region's id but not its range or members, holds no data, and waits for a snapshot.
 */
final class RegionPeer {

    private static final Logger LOG = LoggerFactory.getLogger(RegionPeer.class);
    /**
     * The most entries a peer may lack and still be handed leadership (TiKV's
     * {@code leader-transfer-max-log-lag}): proposals wait while a transfer is under way, and a
     * target far behind, or waiting for a snapshot, would hold them for up to an election timeout.
     */
    static final long LEADER_TRANSFER_MAX_LOG_LAG = 128;

    /** A Ready taken from the node and its staged log writes. */
    static final class ReadyWork {
        private final RegionPeer peer;
        private final Ready ready;
        private final EngineLogStorage.Staged staged;

        private ReadyWork(RegionPeer peer, Ready ready, EngineLogStorage.Staged staged) {
            this.peer = peer;
            this.ready = ready;
            this.staged = staged;
        }

        RegionPeer peer() {
            return peer;
        }

        void addTo(WriteBatch batch) {
            staged.addTo(batch);
        }

        boolean mustSync() {
            return ready.mustSync();
        }

        /** The leader and role if they changed, else null. */
        SoftState softState() {
            return ready.softState();
        }
    }

    private final PeerContext ctx;
    private final KvEngine engine;
    private final Metapb.Peer self;
    private final long regionId;
    private final PeerDriverConfig config;
    private final RawNode node;
    private final EngineLogStorage storage;
    /** This region's apply machine: committed entries go there, results come back as {@link ApplyResult}s. */
    private final ApplyFsm apply;
    /** The region, its merge and how far it is applied, as the last {@link ApplyResult} said. */
    private Metapb.Region region;
    private MergeState merging;
    private long appliedIndex;
    /** The last committed index handed to the apply machine. */
    private long handedIndex;
    /** The highest log index a compaction was asked for, so that each is asked once. */
    private long compactionAsked;
    /** Completed once the entries committed when the peer opened are applied. */
    private CompletableFuture<Void> opening;
    private long openUntil;
    private final ProposalQueue proposals;
    private final ReadQueue reads;
    private final SnapshotBuilder snapshots;
    private final WallLease wallLease;
    private PeerLifecycle lifecycle = PeerLifecycle.LIVE;
    /** Why the peer fail-stopped, once it has. */
    private Throwable failure;
    /** The node's status, read lazily and dropped whenever an input may have changed it. */
    private RaftStatus status;
    /** The term of the last applied entry: a new leader serves lease reads only once it applied one of its own term. */
    private long appliedTerm;
    /** Ticks since the peer opened, and when each other peer was last heard from. */
    private long ticks;
    private final Map<Long, Long> lastHeard = new HashMap<>();
    /** Peers heard from, by id (TiKV's peer cache): where to answer before the region's members are known. */
    private final Map<Long, Metapb.Peer> peerCache = new HashMap<>();
    /** Peers added while this peer applied, with the index they must reach to count as caught up. */
    private final Map<Long, Long> catchUpIndex = new HashMap<>();
    /** Regions applied splits produced, for the driver to open; each list is one split's pieces. */
    private final List<List<Metapb.Region>> splitPieces = new ArrayList<>();
    /** Set once an applied change removed this peer from its region: the driver destroys it. */
    private boolean removed;
    /** Source regions applied CommitMerges took in, for the driver to close. */
    private final List<Metapb.Region> mergedSources = new ArrayList<>();
    /**
     * A PrepareMerge of this leader is on its way: no lease reads until it fails or applies. Once
     * it commits, the target may take writes for this range that this peer will never see, and a
     * lease read cannot tell when that happens (TiKV suspects the lease the same way).
     */
    private boolean mergeProposed;
    private PeerView published;
    /** Lagging and silent peers as last worked out ({@link #refreshPeerHealth}); meaningful while leading. */
    private List<Metapb.Peer> pendingPeers = List.of();
    private List<Pdpb.PeerStats> downPeers = List.of();

    private RegionPeer(PeerContext ctx, Metapb.Peer self, PeerBootstrap.InitialState init) {
        this.ctx = ctx;
        this.engine = ctx.engine();
        this.self = self;
        this.regionId = init.region().getId();
        this.config = ctx.config();
        this.storage = new EngineLogStorage(engine, regionId, ConfStates.fromRegion(init.region()), init.raftState(),
                init.applyState().getTruncatedState(), config.entryCacheCapacity());
        this.snapshots = new SnapshotBuilder(engine, ctx.snapshotPaths(), ctx.snapshotWorker(), regionId);
        this.storage.snapshotSource(() -> snapshots.current(storage.truncatedState().getIndex(), this::takeSnapshot));
        // Restart from the applied index: the core hands out committed entries after it again.
        this.node = new RawNode(config.raftConfigFor(self.getId(), init.applyState().getAppliedIndex()), storage);
        this.region = init.region();
        this.merging = init.merging();
        this.appliedIndex = init.applyState().getAppliedIndex();
        this.handedIndex = appliedIndex;
        this.proposals = new ProposalQueue(regionId);
        this.reads = new ReadQueue(regionId);
        this.appliedTerm = termOrZero(init.applyState().getAppliedIndex());
        this.wallLease = new WallLease(TimeUnit.MILLISECONDS.toNanos(config.tickMillis()), config.raft().electionTick(),
                ctx.ticker().nanos());
        this.apply = new ApplyFsm(ctx.applySystem(), ctx, ctx.links(), self.getStoreId(), init.region(),
                init.applyState(), init.merging(), appliedTerm);
    }

    /** This region's apply machine; the driver registers it beside the peer. */
    ApplyFsm applyFsm() {
        return apply;
    }

    /**
     * Completes {@code future} once every entry committed now is applied, so that a proposal made
     * afterwards reaches a leader (a restarted sole voter campaigns only then: a pending membership
     * change would stop it).
     */
    void awaitOpen(CompletableFuture<Void> future) {
        opening = future;
        openUntil = status().commit();
        maybeOpened();
    }

    private void maybeOpened() {
        if (opening != null && appliedIndex >= openUntil) {
            CompletableFuture<Void> f = opening;
            opening = null;
            campaignIfSoleVoter();
            // Published now, not when the campaign's Ready is handled: a sole voter leads from
            // here on, and requests routed meanwhile should not be bounced as not_leader.
            publish();
            f.complete(null);
        }
    }

    /** Loads the region's state from the engine, or bootstraps it; see {@link PeerBootstrap}. */
    static RegionPeer open(PeerContext ctx, Metapb.Region region, Metapb.Peer self) {
        return new RegionPeer(ctx, self, PeerBootstrap.loadOrBootstrap(ctx.engine(), ctx.snapshotPaths(), region, self));
    }

    /** A peer its leader asked for: it knows only its region id and waits for a snapshot. */
    static RegionPeer createUninitialized(PeerContext ctx, long regionId, Metapb.Peer self) {
        return new RegionPeer(ctx, self, PeerBootstrap.uninitialized(ctx.engine(), regionId));
    }

    long regionId() {
        return regionId;
    }

    /**
     * This store's peer as the region lists it now: its role moves with membership changes (a
     * learner promoted to voter), and whoever reports or compares it (PD, clients) expects the
     * region's own entry.
     */
    Metapb.Peer self() {
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() == self.getId()) {
                return p;
            }
        }
        return self;
    }

    Metapb.Region region() {
        return region;
    }

    boolean initialized() {
        return region().getPeersCount() > 0;
    }

    /** Why the peer fail-stopped, or null. */
    Throwable failure() {
        return failure;
    }

    boolean isLive() {
        return lifecycle == PeerLifecycle.LIVE;
    }

    /** The pieces of the splits applied since the last call, in order; the driver opens their peers. */
    List<List<Metapb.Region>> takeSplits() {
        if (splitPieces.isEmpty()) {
            return List.of();
        }
        List<List<Metapb.Region>> taken = new ArrayList<>(splitPieces);
        splitPieces.clear();
        return taken;
    }

    /** The source regions applied CommitMerges took in since the last call; the driver closes their peers. */
    List<Metapb.Region> takeMergedSources() {
        if (mergedSources.isEmpty()) {
            return List.of();
        }
        List<Metapb.Region> taken = new ArrayList<>(mergedSources);
        mergedSources.clear();
        return taken;
    }

    /** The merge this region prepared as a source (it is frozen), or null. */
    MergeState merging() {
        return merging;
    }

    /** Campaigns now; a region born of a split on its parent's leader does, to be served at once. */
    void campaign() {
        status = null;
        node.campaign();
    }

    /** Whether an applied membership change removed this peer; the driver then destroys it. */
    boolean isRemoved() {
        return removed;
    }

    RaftStatus status() {
        if (status == null) {
            status = node.status();
        }
        return status;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    long firstLogIndex() {
        return storage.firstIndex();
    }

    long lastLogIndex() {
        return storage.lastIndex();
    }


    // ---- input --------------------------------------------------------------------------------------

    void tick() {
        status = null;
        ticks++;
        node.tick();
        refreshPeerHealth();
        wallLease.ticked(ctx.ticker().nanos(), node.lease(), node.lease() != null);
        publish();
    }

    /**
     * Campaigns at once if this peer is the region's only voter: it wins on its own vote, so a new
     * or restarted single-replica region leads without waiting out an election timeout.
     */
    void campaignIfSoleVoter() {
        if (ConfStates.isSoleVoter(region(), self.getId())) {
            status = null;
            node.campaign();
        }
    }

    /** Whether a merge this region prepared is due for a check on its target (every merge-check-tick-interval). */
    boolean mergeCheckDue() {
        return ticks % config.mergeCheckTicks() == 0;
    }

    /** A message from another store's peer of this region. */
    /**
     * Whether {@code msg} comes from a peer this region removed while that peer's store did not
     * hear of it: its sender is no member and its membership epoch is older than ours. Such a
     * peer would otherwise live on, campaigning in vain and holding its range on its store (a
     * new region there could not be created over it), so it is told it is a tombstone (TiKV's
     * stale-message GC). A sender that knows no membership yet (not initialized, conf_ver 0) is
     * being added, not removed, and is left alone.
     */
    boolean answerIfSenderRemoved(RaftMessage msg) {
        Metapb.Region r = region();
        long senderConfVer = msg.getRegionEpoch().getConfVer();
        if (!initialized() || senderConfVer == 0 || senderConfVer >= r.getRegionEpoch().getConfVer()
                || r.getPeersList().stream().anyMatch(peer -> peer.getId() == msg.getFromPeer().getId())) {
            return false;
        }
        LOG.info("region {}: peer {} on store {} was removed at conf_ver {} and does not know it; told so", regionId,
                msg.getFromPeer().getId(), msg.getFromPeer().getStoreId(), r.getRegionEpoch().getConfVer());
        ctx.transport().send(RaftMessage.newBuilder().setRegionId(regionId).setFromPeer(self).setToPeer(msg.getFromPeer())
                .setRegionEpoch(r.getRegionEpoch()).setIsTombstone(true).build());
        return true;
    }

    /** Whether a tombstone message says this peer was removed: its region's membership moved past ours. */
    boolean removedBy(RaftMessage tombstone) {
        return initialized() && tombstone.getToPeer().getId() == self.getId()
                && tombstone.getRegionEpoch().getConfVer() > region().getRegionEpoch().getConfVer();
    }

    void step(RaftMessage msg) {
        status = null;
        lastHeard.put(msg.getFromPeer().getId(), ticks);
        peerCache.put(msg.getFromPeer().getId(), msg.getFromPeer());
        node.step(msg.getMessage());
    }

    void reportUnreachable(long peerId) {
        node.reportUnreachable(peerId);
    }

    void reportSnapshot(long peerId, boolean delivered) {
        node.reportSnapshot(peerId, delivered);
    }

    /**
     * Proposes {@code cmd}; {@code future} completes when it is applied, or fails with a
     * {@link PeerException}. Refusals (not leader, stale epoch, bad command) fail it at once.
     * Returns whether the core took it. Admin commands: ChangePeer and ChangePeerV2 go through the
     * log as membership changes; TransferLeader is handed to the core at once, as in TiKV.
     */
    boolean propose(RaftCmdRequest cmd, CompletableFuture<Void> future) {
        if (lifecycle != PeerLifecycle.LIVE) {
            future.completeExceptionally(lifecycle == PeerLifecycle.FAILED ? new PeerException.PeerFailed(regionId, failure)
                    : new PeerException.Closed(regionId, "the peer"));
            return false;
        }
        RaftStatus st = status();
        if (st.role() != StateRole.LEADER) {
            future.completeExceptionally(new PeerException.NotLeader(regionId, st.leaderId()));
            return false;
        }
        if (cmd.getHeader().hasPeer() && cmd.getHeader().getPeer().getId() != self.getId()) {
            future.completeExceptionally(new PeerException.InvalidCommand(regionId, "addressed to peer "
                    + cmd.getHeader().getPeer().getId() + ", this store's peer is " + self.getId()));
            return false;
        }
        try {
            if (merging != null && !(cmd.hasAdminRequest()
                    && cmd.getAdminRequest().getCmdType() == AdminCmdType.RollbackMerge)) {
                throw new PeerException.Merging(regionId);
            }
            if (cmd.hasAdminRequest()) {
                return proposeAdmin(cmd, future, st);
            }
            WriteCommands.check(cmd, region(), engine.limits());
            ByteString data = cmd.toByteString();
            node.propose(data);
            proposals.add(st.term(), data, future);
            return true;
        } catch (PeerException refused) {
            future.completeExceptionally(refused);
        } catch (ProposalDroppedException dropped) {
            future.completeExceptionally(new PeerException.ProposalAborted(regionId, "dropped: " + dropped.getMessage()));
        } catch (ConfChangeRefusedException refused) {
            future.completeExceptionally(new PeerException.InvalidCommand(regionId, refused.getMessage()));
        }
        return false;
    }

    private boolean proposeAdmin(RaftCmdRequest cmd, CompletableFuture<Void> future, RaftStatus st) {
        AdminRequest admin = cmd.getAdminRequest();
        Metapb.RegionEpoch asked = cmd.getHeader().getRegionEpoch();
        Metapb.RegionEpoch current = region().getRegionEpoch();
        if (admin.getCmdType() == AdminCmdType.TransferLeader) {
            long to = admin.getTransferLeader().getPeer().getId();
            if (region().getPeersList().stream().noneMatch(p -> p.getId() == to && p.getRole() == Metapb.PeerRole.Voter)) {
                throw new PeerException.InvalidCommand(regionId, "cannot transfer leadership to " + to
                        + ": not a voter of " + RegionMembership.describe(region()));
            }
            long matched = node.matchIndexes().getOrDefault(to, 0L);
            if (matched < storage.truncatedState().getIndex() || storage.lastIndex() - matched > LEADER_TRANSFER_MAX_LOG_LAG) {
                // As TiKV does, the leader stays and says so only in its log; PD tries again later.
                LOG.info("region {}: not handing leadership to peer {}: it has {} of {} entries", regionId, to, matched,
                        storage.lastIndex());
                future.complete(null);
                return true;
            }
            status = null;
            node.transferLeader(to);
            future.complete(null);
            return true;
        }
        if (admin.getCmdType() == AdminCmdType.BatchSplit) {
            if (!asked.equals(current)) {
                throw new PeerException.EpochNotMatch(regionId, "split for epoch " + asked.getVersion() + "/"
                        + asked.getConfVer() + ", region is at " + current.getVersion() + "/" + current.getConfVer(), region());
            }
            RegionSplits.apply(region(), admin.getSplits()); // refused here as it would be at apply
            ByteString data = cmd.toByteString();
            node.propose(data);
            proposals.add(st.term(), data, future);
            return true;
        }
        switch (admin.getCmdType()) {
            case PrepareMerge -> {
                return proposePrepareMerge(cmd, future, st);
            }
            case CommitMerge -> {
                requireFullEpoch(asked, "commit merge");
                RegionMerges.merged(region(), admin.getCommitMerge().getSource()); // refused here as at apply
                return proposeNormal(cmd, future, st);
            }
            case RollbackMerge -> {
                requireFullEpoch(asked, "rollback merge");
                return proposeNormal(cmd, future, st);
            }
            default -> {
                // membership changes, below
            }
        }
        if (admin.getCmdType() != AdminCmdType.ChangePeer && admin.getCmdType() != AdminCmdType.ChangePeerV2) {
            throw new PeerException.InvalidCommand(regionId, "admin command " + admin.getCmdType() + " is not supported");
        }
        if (asked.getConfVer() != current.getConfVer()) {
            throw new PeerException.EpochNotMatch(regionId, "membership change for conf_ver " + asked.getConfVer()
                    + ", region is at " + current.getConfVer(), region());
        }
        // Checked here as it will be at apply, to refuse a change that could never take effect.
        RegionMembership.apply(region(), RegionMembership.changesOf(admin));
        ConfChangeV2 cc = RegionMembership.toConfChange(admin, cmd.toByteString());
        node.proposeConfChange(cc);
        proposals.add(st.term(), ConfChanges.toEntry(cc).getData(), future);
        return true;
    }

    private boolean proposeNormal(RaftCmdRequest cmd, CompletableFuture<Void> future, RaftStatus st) {
        ByteString data = cmd.toByteString();
        node.propose(data);
        proposals.add(st.term(), data, future);
        return true;
    }

    private void requireFullEpoch(Metapb.RegionEpoch asked, String what) {
        Metapb.RegionEpoch current = region().getRegionEpoch();
        if (!asked.equals(current)) {
            throw new PeerException.EpochNotMatch(regionId, what + " for epoch " + asked.getVersion() + "/"
                    + asked.getConfVer() + ", region is at " + current.getVersion() + "/" + current.getConfVer(), region());
        }
    }

    /**
     * PrepareMerge (TiKV {@code pre_propose_prepare_merge}): proposed only when every peer holds
     * the log up to {@code min_index - 1} and lacks at most the configured gap after it, because
     * the CommitMerge carries the entries from {@code min_index} on to whichever replica of the
     * source lags; and only when none of those entries is an admin command, which the carried
     * entries could not replay safely. {@code min_index} is filled in here, whatever the request said.
     */
    private boolean proposePrepareMerge(RaftCmdRequest cmd, CompletableFuture<Void> future, RaftStatus st) {
        requireFullEpoch(cmd.getHeader().getRegionEpoch(), "prepare merge");
        Metapb.Region target = cmd.getAdminRequest().getPrepareMerge().getTarget();
        RegionMerges.check(region(), target);
        long last = storage.lastIndex();
        Map<Long, Long> matches = node.matchIndexes();
        long minMatched = last;
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() != self.getId()) {
                minMatched = Math.min(minMatched, matches.getOrDefault(p.getId(), 0L));
            }
        }
        long gap = last - minMatched;
        if (minMatched < storage.firstIndex() - 1 || gap > config.effectiveMergeLogGap()) {
            throw new PeerException.InvalidCommand(regionId, "cannot merge: a peer lacks " + gap
                    + " entries of the log (at most " + config.effectiveMergeLogGap() + " allowed)");
        }
        for (Entry e : storage.entries(minMatched + 1, last + 1, Long.MAX_VALUE)) {
            if (ConfChanges.isConfChange(e) || isAdminEntry(e)) {
                throw new PeerException.InvalidCommand(regionId, "cannot merge: entry " + e.getIndex()
                        + " not yet on every peer is an admin command");
            }
        }
        RaftCmdRequest filled = cmd.toBuilder().setAdminRequest(cmd.getAdminRequest().toBuilder()
                .setPrepareMerge(cmd.getAdminRequest().getPrepareMerge().toBuilder().setMinIndex(minMatched + 1)))
                .build();
        boolean proposed = proposeNormal(filled, future, st);
        mergeProposed = true;
        publish();
        future.whenComplete((ok, failure) -> {
            if (failure != null) {
                // Completed on an apply thread or here: the peer hears of it through its mailbox.
                ctx.links().toPeer(regionId, new PeerTask.Run(PeerTask.Run.What.PREPARE_MERGE_FAILED));
            }
        });
        LOG.info("region {}: proposed to merge into region {} (min index {})", regionId, target.getId(), minMatched + 1);
        return proposed;
    }

    private static boolean isAdminEntry(Entry e) {
        if (e.getData().isEmpty()) {
            return false;
        }
        try {
            RaftCmdRequest cmd = RaftCmdRequest.parseFrom(e.getData());
            return cmd.hasAdminRequest() && cmd.getAdminRequest().getCmdType() != AdminCmdType.TransferLeader;
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            return false; // applied as a refused command; replaying it refuses it again
        }
    }

    /**
     * The CommitMerge that hands this (prepared) source region to its target: the source as it
     * is now, the merge's commit index, and the entries from the merge's {@code min_index} to its
     * commit, for target-side stores whose source peer lags. Fails when this peer's log no longer
     * holds them; another replica of the source proposes it then.
     */
    CommitMergeRequest commitMergeRequest() {
        MergeState m = merging;
        if (m == null) {
            throw new IllegalStateException("region " + regionId + " is not merging");
        }
        return CommitMergeRequest.newBuilder().setSource(region()).setCommit(m.getCommit())
                .addAllEntries(storage.entries(m.getMinIndex(), m.getCommit() + 1, Long.MAX_VALUE)).build();
    }

    /**
     * Asks for a linearizable read point; {@code future} completes once this peer applied
     * everything committed before the read arrived, or fails with NotLeader. A follower forwards
     * the request to its leader (a replica read); it fails when no leader is known, or when the
     * leader changes before answering.
     */
    void readIndex(CompletableFuture<Void> future) {
        RaftStatus st = status();
        if (lifecycle != PeerLifecycle.LIVE || !initialized()
                || (st.role() != StateRole.LEADER && (st.role() != StateRole.FOLLOWER || st.leaderId() == 0))) {
            future.completeExceptionally(new PeerException.NotLeader(regionId, st.leaderId()));
            return;
        }
        if (mergeProposed || merging != null) {
            future.completeExceptionally(new PeerException.Merging(regionId));
            return;
        }
        node.readIndex(reads.add(future));
    }

    // ---- Ready, in phases ---------------------------------------------------------------------------

    /**
     * Whether a Ready can be handled now. One that installs a snapshot waits until the apply
     * machine applied everything handed to it: the snapshot replaces the data under it.
     */
    boolean hasReady() {
        return node.hasReady() && !(node.hasPendingSnapshot() && handedIndex > appliedIndex);
    }

    ReadyWork takeReady() {
        Ready rd = node.ready();
        if (rd.snapshot() != null) {
            installSnapshot(rd);
        }
        return new ReadyWork(this, rd, storage.stage(rd.entries(), rd.hardState()));
    }

    private void installSnapshot(Ready rd) {
        HardState hs = rd.hardState() != null ? rd.hardState() : storage.hardState();
        SnapshotInstaller.Installed installed = SnapshotInstaller.install(engine, ctx.snapshotPaths(), regionId,
                rd.snapshot(), hs);
        storage.restored(installed.raftState(), installed.applyState().getTruncatedState());
        region = installed.region();
        merging = null;
        appliedIndex = installed.applyState().getAppliedIndex();
        handedIndex = appliedIndex;
        compactionAsked = 0;
        appliedTerm = rd.snapshot().getMetadata().getTerm();
        apply.send(new ApplyTask.Restored(installed.region(), installed.applyState(), appliedTerm));
        LOG.info("region {}: peer {} installed a snapshot at index {}: {}", regionId, self.getId(),
                installed.applyState().getAppliedIndex(), RegionMembership.describe(installed.region()));
        if (!ConfChanges.mentions(rd.snapshot().getMetadata().getConfState(), self.getId())) {
            LOG.info("region {}: peer {} is not in the snapshot's configuration; it waits to be added back", regionId,
                    self.getId());
        }
    }

    /** The batch holding {@code work}'s log writes is durable. */
    void persisted(ReadyWork work) {
        storage.persisted(work.staged);
        Ready rd = work.ready;
        if (rd.softState() != null || rd.hardState() != null) {
            status = null;
        }
        if (rd.softState() != null && rd.softState().role() != StateRole.LEADER) {
            reads.leadershipLost(rd.softState().leaderId());
        }
        proposals.placed(rd.entries());
        reads.confirmed(rd.readStates());
        readsApplied(); // a read point at or below the applied index is served at once
        // Published before the messages go: a TimeoutNow among them ends the lease, and lease
        // readers must see that before the transferee can win an election.
        publish();
        for (Message m : rd.messages()) {
            send(m);
        }
    }

    private void send(Message m) {
        Metapb.Peer to = null;
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() == m.getTo()) {
                to = p;
                break;
            }
        }
        if (to == null) {
            // An uninitialized peer knows no members yet: it answers whoever wrote to it.
            to = peerCache.get(m.getTo());
        }
        if (to == null) {
            return; // not a member any more: as good as lost, which Raft tolerates
        }
        Metapb.Region r = region();
        ctx.transport().send(RaftMessage.newBuilder().setRegionId(regionId).setFromPeer(self).setToPeer(to)
                .setRegionEpoch(r.getRegionEpoch()).setStartKey(r.getStartKey()).setEndKey(r.getEndKey())
                .setMessage(m).build());
    }

    /**
     * Hands {@code work}'s committed entries to the apply machine, each with the future of the
     * proposal it carries (TiKV's {@code handle_raft_committed_entries}).
     */
    void handOver(ReadyWork work) {
        List<Entry> committed = work.ready.committedEntries();
        int skip = 0;
        while (skip < committed.size() && committed.get(skip).getIndex() <= handedIndex) {
            skip++;
        }
        if (skip == committed.size()) {
            return;
        }
        List<Entry> entries = committed.subList(skip, committed.size());
        List<CompletableFuture<Void>> callbacks = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            callbacks.add(proposals.take(e.getIndex(), e.getTerm()));
        }
        handedIndex = entries.get(entries.size() - 1).getIndex();
        if (!apply.send(new ApplyTask.Apply(List.copyOf(entries), callbacks))) {
            throw new IllegalStateException("region " + regionId + ": the apply machine is stopped");
        }
    }

    /**
     * The apply machine wrote a batch: the Raft side catches up with it — membership changes into
     * the node, splits and merges for the driver, reads whose point is now applied, log compaction.
     */
    void applied(ApplyResult r) {
        if (!isLive()) {
            return;
        }
        status = null;
        Metapb.Region before = region;
        MergeState mergeBefore = merging;
        appliedIndex = Math.max(appliedIndex, r.appliedIndex());
        appliedTerm = r.appliedTerm();
        region = r.region();
        merging = r.merging();
        for (ConfChangeV2 cc : r.confChanges()) {
            applyConfChange(cc);
        }
        splitPieces.addAll(r.splits());
        mergedSources.addAll(r.mergedSources());
        if (r.truncated().getIndex() > storage.truncatedState().getIndex()) {
            dropCompactedLog(r.truncated());
        }
        if (mergeBefore != merging) {
            mergeProposed = false; // the merge applied, or rolled back: its state says what comes next
        }
        readsApplied();
        maybeCompact();
        if (before != region || mergeBefore != merging) {
            publish();
        }
        maybeOpened();
    }

    /** A PrepareMerge this leader proposed failed: lease reads may resume. */
    void prepareMergeFailed() {
        if (merging == null && mergeProposed) {
            mergeProposed = false;
            publish();
        }
    }

    /**
     * Answers the reads whose point is applied. While merging, only those whose point comes
     * before PrepareMerge: a read at or after it could miss writes the target takes once the merge
     * commits, so it fails and the client re-routes.
     */
    private void readsApplied() {
        if (merging == null) {
            reads.applied(appliedIndex);
        } else {
            reads.applied(Math.min(appliedIndex, merging.getCommit() - 1));
            reads.failAll(new PeerException.Merging(regionId));
        }
    }

    /**
     * Asks the apply machine to record a compaction when the log holds more than the GC limit
     * (TiKV's raft-log-gc tick and CompactLog); the entries go once it did ({@link #dropCompactedLog}).
     */
    private void maybeCompact() {
        long compactTo = LogGc.compactIndex(storage.firstIndex(), appliedIndex, () -> replicatedIndex(appliedIndex), config);
        if (merging != null) {
            // The CommitMerge carries the entries from min_index on: they stay.
            compactTo = Math.min(compactTo, merging.getMinIndex() - 1);
        }
        if (compactTo <= storage.firstIndex() - 1 || compactTo <= compactionAsked) {
            return;
        }
        compactionAsked = compactTo;
        apply.send(new ApplyTask.Compact(RaftTruncatedState.newBuilder().setIndex(compactTo)
                .setTerm(storage.term(compactTo)).build()));
    }

    /** The apply state records {@code truncated}: the log below it is not read again, and goes. */
    private void dropCompactedLog(RaftTruncatedState truncated) {
        long from = storage.firstIndex();
        storage.compacted(truncated);
        try (WriteBatch batch = engine.newWriteBatch()) {
            // One range tombstone: exactly this region's log prefix, which nothing reads again.
            batch.deleteRange(ColumnFamily.RAFT, LocalKeys.raftLogKey(regionId, Math.min(from, truncated.getIndex())),
                    LocalKeys.raftLogKey(regionId, truncated.getIndex() + 1));
            engine.write(batch, WriteOptions.NO_SYNC);
        }
    }

    /**
     * Which peers lag or are silent, for PD: worked out once a tick and after membership changes,
     * not on every Ready, since only heartbeats read it and it walks every peer's progress.
     */
    private void refreshPeerHealth() {
        if (status().role() == StateRole.LEADER) {
            pendingPeers = lagging();
            downPeers = silent();
        }
    }

    private void applyConfChange(ConfChangeV2 cc) {
        status = null;
        node.applyConfChange(cc);
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() != self.getId() && !catchUpIndex.containsKey(p.getId()) && !lastHeard.containsKey(p.getId())) {
                catchUpIndex.put(p.getId(), appliedIndex);
                lastHeard.put(p.getId(), ticks); // a new peer is not down before it had a chance to answer
            }
        }
        if (region().getPeersList().stream().noneMatch(p -> p.getId() == self.getId())) {
            removed = true;
        }
        refreshPeerHealth();
    }

    /**
     * How far log GC may go without cutting off a follower: the lowest match index among the
     * peers a leader has heard from recently. A down peer does not hold the log back; it will get
     * a snapshot. Followers bound nothing: they compact what they applied.
     */
    private long replicatedIndex(long applied) {
        Map<Long, Long> matches = node.matchIndexes();
        long min = applied;
        for (Map.Entry<Long, Long> e : matches.entrySet()) {
            if (e.getKey() != self.getId() && !isDown(e.getKey())) {
                min = Math.min(min, e.getValue());
            }
        }
        return min;
    }

    void advance(ReadyWork work) {
        status = null;
        node.advance(work.ready);
    }

    // ---- what other threads see ---------------------------------------------------------------------

    /**
     * Publishes this peer's view if it changed. The lease deadline counts only once this leader
     * applied an entry of its own term: before that its engine may lack writes an earlier leader
     * acknowledged (TiKV's {@code applied_index_term == term} rule).
     */
    void publish() {
        RaftStatus st = status();
        boolean leader = st.role() == StateRole.LEADER;
        long deadline = Long.MIN_VALUE;
        if (leader && appliedTerm == st.term() && !mergeProposed && merging == null) {
            deadline = ConfStates.isSoleVoter(region(), self.getId()) ? Long.MAX_VALUE
                    : wallLease.deadline(node.lease(), true);
        }
        List<Metapb.Peer> pending = leader ? pendingPeers : List.of();
        List<Pdpb.PeerStats> down = leader ? downPeers : List.of();
        PeerView view = new PeerView(region(), self(), st.leaderId(), st.term(), deadline, pending, down,
                merging == null ? 0 : merging.getTarget().getId());
        PeerView old = published;
        if (old != null && old.equals(view)) {
            return;
        }
        boolean shapeChanged = old == null || !old.region().equals(view.region()) || old.leaderPeerId() != view.leaderPeerId()
                || !old.pendingPeers().equals(pending) || !old.downPeers().equals(down);
        published = view;
        ctx.publisher().publish(view, shapeChanged);
    }

    PeerView view() {
        return published;
    }

    private List<Metapb.Peer> lagging() {
        Map<Long, Long> matches = node.matchIndexes();
        List<Metapb.Peer> out = new ArrayList<>();
        long truncatedIndex = storage.truncatedState().getIndex();
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() == self.getId()) {
                continue;
            }
            long match = matches.getOrDefault(p.getId(), 0L);
            Long needed = catchUpIndex.get(p.getId());
            if (match < truncatedIndex || (needed != null && match < needed)) {
                out.add(p);
            } else if (needed != null) {
                catchUpIndex.remove(p.getId());
            }
        }
        return out;
    }

    private List<Pdpb.PeerStats> silent() {
        List<Pdpb.PeerStats> out = new ArrayList<>();
        for (Metapb.Peer p : region().getPeersList()) {
            if (p.getId() != self.getId() && isDown(p.getId())) {
                long silentTicks = ticks - lastHeard.getOrDefault(p.getId(), 0L);
                out.add(Pdpb.PeerStats.newBuilder().setPeer(p)
                        .setDownSeconds(silentTicks * config.tickMillis() / 1000).build());
            }
        }
        return out;
    }

    private boolean isDown(long peerId) {
        return ticks - lastHeard.getOrDefault(peerId, 0L) > config.maxPeerDownTicks();
    }

    /** An engine snapshot at the applied index, taken by the apply machine, which alone knows it exactly. */
    private CompletableFuture<SnapshotBuilder.Taken> takeSnapshot() {
        CompletableFuture<SnapshotBuilder.Taken> taken = new CompletableFuture<>();
        if (!apply.send(new ApplyTask.TakeSnapshot(taken))) {
            taken.completeExceptionally(new PeerException.Closed(regionId, "the region's apply"));
        }
        return taken;
    }

    private long termOrZero(long index) {
        try {
            return storage.term(index);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------------

    /** Fail-stops the peer: it fails its futures with {@code cause} and serves nothing more. */
    void fail(Throwable cause) {
        transition(PeerLifecycle.FAILED);
        failure = cause;
        PeerException failed = new PeerException.PeerFailed(regionId, cause);
        proposals.failAll(failed);
        reads.failAll(failed);
        failOpening(failed);
        apply.send(new ApplyTask.Stop(false, new CompletableFuture<>()));
    }

    /** Closes the peer and its apply machine, failing what still waits with {@code cause}. Idempotent. */
    void close(PeerException cause) {
        if (closeRaftSide(cause)) {
            apply.send(new ApplyTask.Stop(false, new CompletableFuture<>()));
        }
    }

    /**
     * Closes the peer, and has its apply machine, after everything handed to it, remove the
     * region's state and data from the engine and leave a tombstone with the region as last
     * applied, so that late messages for this peer do not bring it back. Completes once that is
     * durable.
     */
    CompletableFuture<Void> closeAndErase(PeerException cause) {
        closeRaftSide(cause);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!apply.send(new ApplyTask.Stop(true, done))) {
            // The apply machine stopped already (it failed): nothing else writes to this region.
            ApplyFsm.erase(engine, region);
            done.complete(null);
        }
        return done;
    }

    private boolean closeRaftSide(PeerException cause) {
        if (lifecycle == PeerLifecycle.CLOSED) {
            return false;
        }
        transition(PeerLifecycle.CLOSED);
        proposals.failAll(cause);
        reads.failAll(cause);
        failOpening(cause);
        snapshots.clear();
        return true;
    }

    private void failOpening(Throwable cause) {
        if (opening != null) {
            opening.completeExceptionally(cause);
            opening = null;
        }
    }

    private void transition(PeerLifecycle next) {
        if (!lifecycle.canBecome(next)) {
            throw new IllegalStateException("region " + regionId + ": peer cannot go from " + lifecycle + " to " + next);
        }
        lifecycle = next;
    }
}
