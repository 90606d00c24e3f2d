package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.AdminCmdType;
import io.kvasir.kvproto.RaftCmdpb.AdminRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftRequestHeader;
import io.kvasir.kvproto.RaftCmdpb.RollbackMergeRequest;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.core.StateRole;
import io.kvasir.raft.store.batch.BatchSystem;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's multi-raft engine on a batch system (TiKV's {@code raftstore} with its
 * {@code batch-system}): every region's peer is a {@link PeerFsm} with a mailbox, run by a pool of
 * raft pollers ({@link PeerDriverConfig#storePoolSize()}) that take ready peers in batches and
 * write all their log entries and hard states in one synced write per batch (group commit, see
 * {@link RaftPoller}); committed entries go to each region's {@link ApplyFsm}, run by a separate
 * apply pool ({@link PeerDriverConfig#applyPoolSize()}), whose results come back to the peer.
 *
 * <p>This class is the router and the store-wide part: it creates peers (opened by the store, by
 * a leader's message, by a split), retires them (closed, merged away, removed), broadcasts ticks,
 * and keeps each region's published {@link PeerView}. Creating and retiring peers happens under
 * one lock (TiKV's {@code StoreMeta}), so a region never has two peers here.
 *
 * <p>Futures complete on pollers. Dependent stages must not block (use the {@code *Async}
 * variants for anything slow), or they stall every region of the poller's batch. An exception from
 * one region fail-stops that region ({@link RegionPeer#fail}), never a poller.
 *
 * <p>Lifecycle: NEW, then {@link #start()}: RUNNING, then {@link #close()}: TERMINATED. Work
 * submitted before {@code start()} waits for it; work submitted after {@code close()} fails with
 * {@link PeerException.Closed}.
 */
public final class PeerDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerDriver.class);

    private enum State { NEW, RUNNING, TERMINATED }

    private final KvEngine engine;
    private final PeerDriverConfig config;
    private final Ticker ticker;
    private final long tickNanos;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final BatchSystem<PeerFsm> raftSystem;
    private final BatchSystem<ApplyFsm> applySystem;
    private final ScheduledExecutorService tickTimer;
    private final ExecutorService snapshotWorker;
    private final PeerContext context;

    /** The router: each region's peer and apply machines. Changed only under {@link #meta}. */
    private final Map<Long, PeerFsm> peers = new ConcurrentHashMap<>();
    private final Map<Long, ApplyFsm> applies = new ConcurrentHashMap<>();
    private final Object meta = new Object();
    private final Object tickLock = new Object();
    private long nextTickNanos;

    // Read by any thread.
    private final Map<Long, PeerView> views = new ConcurrentHashMap<>();
    private final AtomicLong proposals = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong raftWrites = new AtomicLong();
    private final AtomicLong syncedWrites = new AtomicLong();
    private final LongAdder appliedEntries = new LongAdder();
    private volatile LongConsumer beforeApply = regionId -> { };
    private volatile Runnable afterPersist = () -> { };
    private volatile PeerListener listener = PeerListener.NONE;

    /** Told when a region's shape (range, members, leader, lagging peers) changes here, or it goes away. */
    public interface PeerListener {
        /** Called on a raft poller: must not block. */
        void changed(PeerView view);

        /** The region's peer left this store (removed from the region, or merged away). */
        void removed(long regionId);

        PeerListener NONE = new PeerListener() {
            @Override
            public void changed(PeerView view) {
            }

            @Override
            public void removed(long regionId) {
            }
        };
    }

    /** A driver over {@code engine} (which holds both the Raft log and the data) with the real clock and no transport. */
    public PeerDriver(KvEngine engine, PeerDriverConfig config) {
        this(engine, config, Ticker.system(), RaftTransport.NONE);
    }

    /**
     * A driver with default Raft settings, the given store settings ({@code raft-base-tick-interval},
     * {@code raft-entry-max-size}, {@code raft-log-gc-count-limit}) and {@code clock} as its time
     * source, without transport.
     */
    public PeerDriver(KvEngine engine, Duration tickInterval, long raftEntryMaxSize, long raftLogGcCountLimit,
            Clock clock) {
        this(engine, PeerDriverConfig.builder()
                .tickMillis(tickInterval.toMillis())
                .raftEntryMaxSize(raftEntryMaxSize)
                .raftLogGcCountLimit(raftLogGcCountLimit)
                .raftLogGcKeepEntries(Math.min(PeerDriverConfig.DEFAULT_RAFT_LOG_GC_KEEP_ENTRIES, raftLogGcCountLimit - 1))
                .build(), () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()), RaftTransport.NONE);
    }

    public PeerDriver(KvEngine engine, PeerDriverConfig config, Ticker ticker, RaftTransport transport) {
        this(engine, config, ticker, transport, new SnapshotPaths(
                engine.path().resolveSibling(engine.path().getFileName() + "-snap")));
    }

    /** A driver whose region snapshots live under {@code snapshotPaths}. */
    public PeerDriver(KvEngine engine, PeerDriverConfig config, Ticker ticker, RaftTransport transport,
            SnapshotPaths snapshotPaths) {
        this.engine = engine;
        this.config = config;
        this.ticker = ticker;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
        this.raftSystem = new BatchSystem<>("kvasir-raftstore", config.storeMaxBatchSize());
        this.applySystem = new BatchSystem<>("kvasir-apply", config.applyMaxBatchSize());
        this.snapshotWorker = Executors.newSingleThreadExecutor(daemon("kvasir-snap-generator"));
        this.tickTimer = Executors.newSingleThreadScheduledExecutor(daemon("kvasir-raft-ticker"));
        this.context = new PeerContext(engine, config, transport, snapshotPaths, snapshotWorker, ticker,
                this::published, id -> beforeApply.accept(id), applySystem, new Links(), appliedEntries);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Sets who hears of region changes; call before {@link #start()}. */
    public void listener(PeerListener l) {
        this.listener = l;
    }

    /** Starts the raft and apply pools and the tick timer. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("peer driver already started (" + state.get() + ")");
        }
        synchronized (tickLock) {
            nextTickNanos = ticker.nanos() + tickNanos;
        }
        List<RaftPoller> raftPollers = new ArrayList<>();
        for (int i = 0; i < config.storePoolSize(); i++) {
            raftPollers.add(new RaftPoller(this, new GroupCommit(engine, new GroupCommit.Listener() {
                @Override
                public void failed(RegionPeer peer, Throwable cause) {
                    failPeer(peer, cause);
                }

                @Override
                public void leaderChanged(RegionPeer peer, long leaderPeerId) {
                    peer.publish();
                }
            }, raftWrites, syncedWrites, () -> afterPersist.run())));
        }
        List<ApplyPoller> applyPollers = new ArrayList<>();
        for (int i = 0; i < config.applyPoolSize(); i++) {
            applyPollers.add(new ApplyPoller());
        }
        raftSystem.start(raftPollers);
        applySystem.start(applyPollers);
        long period = Math.max(1, tickNanos / 4);
        tickTimer.scheduleAtFixedRate(this::tickIfDue, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Opens the region's peer: loads its state, or bootstraps a new single-voter group if the
     * store has none (see {@link PeerBootstrap}); applies entries committed but not applied
     * before a restart; and, if it is the only voter, campaigns at once. Completes when the peer
     * is open and caught up with its log, so a proposal submitted afterwards reaches a leader.
     * Opening an open region again with the same peer does nothing; opening a region this store
     * holds a tombstone of does nothing either (it merged away or was removed).
     */
    public CompletableFuture<Void> open(Metapb.Region region, Metapb.Peer self) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (refuseIfClosed(region.getId(), future)) {
            return future;
        }
        long regionId = region.getId();
        try {
            synchronized (meta) {
                PeerFsm existing = peers.get(regionId);
                if (existing != null) {
                    RegionPeer p = existing.peer();
                    if (p.isLive() && p.self().getId() == self.getId()) {
                        future.complete(null);
                        return future;
                    }
                    if (p.isLive()) {
                        throw new IllegalArgumentException("region " + regionId + " is open with peer " + p.self().getId()
                                + ", not " + self.getId());
                    }
                    retire(existing); // failed: reopened from its persisted state
                }
                if (PeerBootstrap.isTombstone(engine, regionId)) {
                    LOG.info("region {}: a tombstone on this store; not opened", regionId);
                    future.complete(null);
                    return future;
                }
                register(RegionPeer.open(context, region, self)).send(new PeerTask.Open(region, self, future));
            }
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * Proposes {@code cmd} to the region's Raft group. Completes when the command is committed,
     * persisted and applied, so a read that starts afterwards sees it. Fails with a
     * {@link PeerException}: {@link PeerException.EntryTooLarge} (checked here, before anything is
     * queued), {@link PeerException.RegionNotFound}, {@link PeerException.NotLeader},
     * {@link PeerException.EpochNotMatch}, {@link PeerException.KeyNotInRegion},
     * {@link PeerException.InvalidCommand}, {@link PeerException.Merging},
     * {@link PeerException.ProposalAborted}, {@link PeerException.Closed} or
     * {@link PeerException.PeerFailed}.
     */
    public CompletableFuture<Void> propose(long regionId, RaftCmdRequest cmd) {
        long size = cmd.getSerializedSize();
        if (size > config.raftEntryMaxSize()) {
            return CompletableFuture.failedFuture(new PeerException.EntryTooLarge(regionId, size, config.raftEntryMaxSize()));
        }
        return submit(new PeerTask.Propose(regionId, cmd, new CompletableFuture<>()));
    }

    /**
     * Closes the region's peer, keeping its data and log; waiting proposals fail with
     * {@link PeerException.Closed}. Closing a region that is not open does nothing.
     */
    public CompletableFuture<Void> close(long regionId) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (refuseIfClosed(regionId, future)) {
            return future;
        }
        PeerFsm f = peers.get(regionId);
        if (f == null || !f.send(new PeerTask.Close(regionId, future))) {
            future.complete(null);
        }
        return future;
    }

    /** The region's peer as the driver sees it; fails with {@link PeerException.RegionNotFound}. */
    public CompletableFuture<PeerStatus> status(long regionId) {
        tickIfDue();
        return submit(new PeerTask.Status(regionId, new CompletableFuture<>()));
    }

    /**
     * Hands a message from another store to its region's peer, creating the peer if its leader is
     * asking for it (TiKV {@code maybe_create_peer}). Never blocks; a message the store cannot
     * take is dropped, which Raft tolerates.
     */
    public void step(RaftMessage message) {
        if (state.get() == State.TERMINATED) {
            return;
        }
        long regionId = message.getRegionId();
        PeerFsm f = peers.get(regionId);
        if (f != null && f.send(new PeerTask.Step(message, new CompletableFuture<>()))) {
            return;
        }
        if (!mayCreatePeer(message)) {
            return;
        }
        synchronized (meta) {
            if (peers.containsKey(regionId) || PeerBootstrap.isTombstoneAtLeast(engine, regionId, message.getRegionEpoch())) {
                return; // created meanwhile, or being retired: the leader sends again
            }
            if (overlapsRegionHere(message)) {
                return;
            }
            LOG.info("region {}: peer {} created on a message from peer {}", regionId, message.getToPeer().getId(),
                    message.getFromPeer().getId());
            register(RegionPeer.createUninitialized(context, regionId, message.getToPeer()))
                    .send(new PeerTask.Step(message, new CompletableFuture<>()));
        }
    }

    /** The transport could not deliver to {@code peerId} of the region. */
    public void reportUnreachable(long regionId, long peerId) {
        sendIfOpen(regionId, new PeerTask.Delivery(regionId, peerId, false, false, new CompletableFuture<>()));
    }

    /** The snapshot sent to {@code peerId} of the region arrived ({@code delivered}) or not. */
    public void reportSnapshot(long regionId, long peerId, boolean delivered) {
        sendIfOpen(regionId, new PeerTask.Delivery(regionId, peerId, true, delivered, new CompletableFuture<>()));
    }

    /**
     * Completes once a read of the region may look at the engine and see every write acknowledged
     * before this call: the leader confirmed it still leads (ReadIndex) and applied up to the read
     * point; on a follower, its leader gave the read point and the follower applied up to it.
     * Fails with {@link PeerException.NotLeader}, {@link PeerException.Merging} or
     * {@link PeerException.RegionNotFound}. Reads within a valid lease
     * ({@link PeerView#leaseValidAt}) need not call it.
     */
    public CompletableFuture<Void> readIndex(long regionId) {
        return submit(new PeerTask.ReadIndex(regionId, new CompletableFuture<>()));
    }

    /** The region's peer here as last published, or null when none is open. */
    public PeerView view(long regionId) {
        return views.get(regionId);
    }

    /** Every open region's view. */
    public Collection<PeerView> views() {
        return List.copyOf(views.values());
    }

    /** The monotonic clock lease deadlines are measured on. */
    public Ticker ticker() {
        return ticker;
    }

    /**
     * The peer id of the region's leader as last seen by the driver, or 0 when unknown or the
     * region is not open here. A hint for routing: leadership may have moved since.
     */
    public long leaderOf(long regionId) {
        PeerView view = views.get(regionId);
        return view == null ? 0 : view.leaderPeerId();
    }

    /** Whether this store's peer of the region leads it, as last seen by the driver (a hint, like {@link #leaderOf}). */
    public boolean isLeader(long regionId) {
        PeerView view = views.get(regionId);
        return view != null && view.isLeader();
    }

    public PeerDriverStats stats() {
        return new PeerDriverStats(raftWrites.get(), syncedWrites.get(), proposals.get(), appliedEntries.sum(),
                ticks.get());
    }

    /**
     * Completes once every peer and apply machine has handled what was queued for it before this
     * call (ticks due by the clock included), and the Readys that led to. For tests that drive the
     * clock by hand: a few rounds of it let messages between stores land.
     */
    public CompletableFuture<Void> barrier() {
        tickIfDue();
        List<CompletableFuture<Void>> raftDone = new ArrayList<>();
        for (PeerFsm f : peers.values()) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (f.send(new PeerTask.Barrier(f.regionId(), done))) {
                raftDone.add(done);
            }
        }
        return CompletableFuture.allOf(raftDone.toArray(CompletableFuture[]::new)).thenCompose(ignored -> {
            List<CompletableFuture<Void>> applyDone = new ArrayList<>();
            for (ApplyFsm a : applies.values()) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                if (a.send(new ApplyTask.Barrier(done))) {
                    applyDone.add(done);
                }
            }
            return CompletableFuture.allOf(applyDone.toArray(CompletableFuture[]::new));
        });
    }

    /**
     * Stops the pools after their current batches, closes every peer (waiting proposals fail with
     * {@link PeerException.Closed}) and waits for the pollers (unless called on one, from a
     * future's callback: the close then finishes on a thread of its own). Idempotent.
     */
    @Override
    public void close() {
        State was = state.getAndSet(State.TERMINATED);
        if (was == State.TERMINATED) {
            return;
        }
        Thread current = Thread.currentThread();
        if (raftSystem.isPoller(current) || applySystem.isPoller(current)) {
            Thread closer = new Thread(this::shutdown, "kvasir-peer-driver-close");
            closer.setDaemon(true);
            closer.start();
            return;
        }
        shutdown();
    }

    /** Test hook: runs before each region applies a batch of entries; an exception from it fails that region. */
    void beforeApplyForTesting(LongConsumer hook) {
        this.beforeApply = hook;
    }

    /** Test hook: runs on a raft poller after each write of a batch's logs. */
    void afterPersistForTesting(Runnable hook) {
        this.afterPersist = hook;
    }

    // ---- the store-wide part, called by pollers -----------------------------------------------------

    void proposed() {
        proposals.incrementAndGet();
    }

    /** Ticks every peer if a tick is due by the clock; one tick however late, as a burst would start elections. */
    void tickIfDue() {
        if (state.get() != State.RUNNING) {
            return;
        }
        synchronized (tickLock) {
            long now = ticker.nanos();
            if (now - nextTickNanos < 0) {
                if (nextTickNanos - now > tickNanos) {
                    nextTickNanos = now + tickNanos; // the clock went back (a wall clock): do not stall
                }
                return;
            }
            nextTickNanos = now + tickNanos;
            ticks.incrementAndGet();
            for (PeerFsm f : peers.values()) {
                f.send(new PeerTask.Tick());
            }
        }
    }

    void answerStatus(PeerTask.Status task) {
        PeerFsm f = peers.get(task.regionId());
        if (f == null) {
            task.fail(new PeerException.RegionNotFound(task.regionId()));
            return;
        }
        RegionPeer p = f.peer();
        task.future().complete(new PeerStatus(p.region(), p.status(), p.appliedIndex(), p.firstLogIndex(),
                p.lastLogIndex(), p.isLive()));
    }

    void failPeer(RegionPeer p, Throwable cause) {
        if (!p.isLive()) {
            return;
        }
        LOG.error("region {}: peer fail-stopped", p.regionId(), cause);
        views.remove(p.regionId());
        p.fail(cause);
    }

    /** Closes the region's peer here, keeping its data; it is gone from the router at once. */
    void closeRegion(PeerFsm f, PeerException cause) {
        f.peer().close(cause);
        synchronized (meta) {
            retire(f);
        }
        listener.removed(f.regionId());
    }

    /**
     * Closes the region's peer and erases its data and state behind a tombstone (removed, stale, or
     * replaced by its merge target's snapshot). The router keeps the closed peer until the tombstone
     * is durable, so no message recreates it meanwhile.
     */
    void erase(PeerFsm f, PeerException cause) {
        views.remove(f.regionId());
        f.peer().closeAndErase(cause).whenComplete((ok, failure) -> {
            synchronized (meta) {
                retire(f);
            }
            listener.removed(f.regionId());
        });
    }

    /**
     * Opens this store's peers of the regions a split created (their states were written with the
     * split). A peer of one that its leader created uninitialized meanwhile gives way: the split
     * brings the data it was waiting for. If the parent leads here, the new peers campaign at once
     * (TiKV does the same) so the new regions are served without an election timeout.
     */
    void openSplitPieces(RegionPeer parent, List<Metapb.Region> pieces) {
        boolean leader = parent.status().role() == StateRole.LEADER;
        for (Metapb.Region piece : pieces) {
            if (piece.getId() == parent.regionId()) {
                continue;
            }
            Metapb.Peer self = RegionMembership.peerOnStore(piece, parent.self().getStoreId());
            try {
                synchronized (meta) {
                    PeerFsm existing = peers.get(piece.getId());
                    if (existing != null) {
                        existing.send(new PeerTask.SplitPiece(piece, self, leader, false));
                    } else {
                        register(RegionPeer.open(context, piece, self)).send(new PeerTask.SplitPiece(piece, self, leader, true));
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("region {}: cannot open the peer a split of region {} created", piece.getId(),
                        parent.regionId(), e);
            }
        }
    }

    /** On the piece's own poller: see {@link #openSplitPieces}. */
    void takeSplitPiece(PeerFsm f, PeerTask.SplitPiece task) {
        RegionPeer p = f.peer();
        if (!task.fresh()) {
            if (p.initialized()) {
                LOG.warn("region {}: a split found it open here already", f.regionId());
                return;
            }
            p.close(new PeerException.Closed(f.regionId(), "the uninitialized peer"));
            // It may have persisted a vote after the split wrote the piece's initial state: the
            // state is written again now that it writes no more, keeping its term and vote.
            PeerBootstrap.writeSplitRegionState(engine, f.regionId());
            RegionPeer opened = RegionPeer.open(context, task.piece(), task.self());
            synchronized (meta) {
                applies.put(f.regionId(), opened.applyFsm());
                f.replace(opened);
            }
            p = opened;
        }
        if (task.campaign()) {
            p.campaign();
        }
        p.publish();
    }

    /** A CommitMerge here took {@code sourceId}'s range: its peer closes (its state is a tombstone already). */
    void mergedAway(long sourceId) {
        PeerFsm source = peers.get(sourceId);
        if (source != null) {
            source.send(new PeerTask.Run(PeerTask.Run.What.MERGED_AWAY));
        }
        LOG.info("region {}: merged away", sourceId);
    }

    /**
     * A merge check of a source region (TiKV's {@code on_check_merge}): if this store's target peer
     * leads at the epoch the merge expects, it is handed the CommitMerge. If the target moved past
     * that epoch, it can never apply this merge (it checks the epoch at apply, and its log is the
     * same everywhere; had it applied the merge here, the source would be gone), so the source's
     * leader rolls the merge back. Every replica of the source checks, since only the one beside
     * the target's leader can hand it on: the stores holding a quorum of the source also hold one
     * of the target (PD places them alike).
     */
    void checkMerge(RegionPeer source) {
        MergeState merge = source.merging();
        PeerView target = views.get(merge.getTarget().getId());
        if (target == null || !target.initialized()) {
            return; // PD placed a target peer on this store; it has not arrived yet
        }
        Metapb.RegionEpoch expected = merge.getTarget().getRegionEpoch();
        Metapb.RegionEpoch local = target.region().getRegionEpoch();
        if (local.getVersion() > expected.getVersion() || local.getConfVer() > expected.getConfVer()) {
            if (source.status().role() == StateRole.LEADER) {
                LOG.info("region {}: target region {} moved on to epoch {}/{}; rolling the merge back", source.regionId(),
                        target.regionId(), local.getVersion(), local.getConfVer());
                RaftCmdRequest rollback = adminCommand(source.regionId(), source.self(), source.region().getRegionEpoch(),
                        AdminRequest.newBuilder().setCmdType(AdminCmdType.RollbackMerge)
                                .setRollbackMerge(RollbackMergeRequest.newBuilder().setCommit(merge.getCommit())).build());
                CompletableFuture<Void> done = new CompletableFuture<>();
                if (source.propose(rollback, done)) {
                    proposals.incrementAndGet();
                }
                logFailure(source.regionId(), AdminCmdType.RollbackMerge, done);
            }
            return;
        }
        if (!local.equals(expected) || !target.isLeader()) {
            return;
        }
        RaftCmdRequest commit = adminCommand(target.regionId(), target.self(), expected,
                AdminRequest.newBuilder().setCmdType(AdminCmdType.CommitMerge)
                        .setCommitMerge(source.commitMergeRequest()).build());
        logFailure(target.regionId(), AdminCmdType.CommitMerge, propose(target.regionId(), commit));
    }

    /**
     * Whether {@code msg}'s region overlaps a region this store holds, so that its peer must not
     * be created yet (TiKV's {@code maybe_create_peer} does the same). Most often the region was
     * just split off one here whose split has not applied yet: that split will open the peer
     * with the data. An uninitialized peer created meanwhile would make the new region's leader
     * build and send a snapshot of the whole range, only for it to be dropped here because it
     * overlaps; under load that cost seconds of stalled writes. A region merging into
     * {@code msg}'s region is no obstacle: the target's snapshot replaces it.
     */
    private boolean overlapsRegionHere(RaftMessage msg) {
        Metapb.Region incoming = Metapb.Region.newBuilder().setId(msg.getRegionId())
                .setStartKey(msg.getStartKey()).setEndKey(msg.getEndKey()).build();
        for (PeerView other : otherRegionsOverlapping(incoming)) {
            if (other.mergeTargetId() != msg.getRegionId()) {
                LOG.debug("region {}: not created here yet, it overlaps region {}", msg.getRegionId(), other.regionId());
                return true;
            }
        }
        return false;
    }

    /** The initialized regions here, other than {@code incoming} itself, whose ranges overlap it. */
    private List<PeerView> otherRegionsOverlapping(Metapb.Region incoming) {
        List<PeerView> out = new ArrayList<>();
        for (PeerView other : views.values()) {
            if (other.regionId() != incoming.getId() && other.initialized()
                    && RegionRanges.overlap(other.region(), incoming)) {
                out.add(other);
            }
        }
        return out;
    }

    /**
     * Whether a snapshot for {@code msg}'s region must wait because its range overlaps another
     * region here, as in TiKV (the other region must go first). A region merging into the
     * snapshot's region is erased for it: the snapshot is of the target after the merge, and holds
     * its data; the leader sends the snapshot again.
     */
    boolean snapshotOverlaps(RaftMessage msg) {
        Metapb.Region incoming;
        try {
            incoming = SnapshotInstaller.regionOf(msg.getMessage().getSnapshot());
        } catch (IllegalArgumentException e) {
            return true;
        }
        boolean overlaps = false;
        for (PeerView other : otherRegionsOverlapping(incoming)) {
            overlaps = true;
            if (other.mergeTargetId() == msg.getRegionId()) {
                LOG.info("region {}: snapshot covers region {}, which merges into it; that peer goes", msg.getRegionId(),
                        other.regionId());
                PeerFsm source = peers.get(other.regionId());
                if (source != null) {
                    source.send(new PeerTask.Run(PeerTask.Run.What.REPLACED_BY_TARGET_SNAPSHOT));
                }
            } else {
                LOG.info("region {}: snapshot overlaps region {} here; dropped", msg.getRegionId(), other.regionId());
            }
        }
        return overlaps;
    }

    // ---- router -------------------------------------------------------------------------------------

    /** Adds a new peer and its apply machine to the router; under {@link #meta}. */
    private PeerFsm register(RegionPeer peer) {
        PeerFsm f = new PeerFsm(raftSystem, peer);
        peers.put(peer.regionId(), f);
        applies.put(peer.regionId(), peer.applyFsm());
        return f;
    }

    /** Takes a closed peer out of the router and answers what is still in its mailbox; under {@link #meta}. */
    private void retire(PeerFsm f) {
        long regionId = f.regionId();
        peers.remove(regionId, f);
        applies.remove(regionId, f.peer().applyFsm());
        views.remove(regionId);
        f.close();
        PeerException gone = new PeerException.RegionNotFound(regionId);
        for (PeerTask t = f.poll(); t != null; t = f.poll()) {
            if (t instanceof PeerTask.Close close) {
                close.future().complete(null);
            } else if (t instanceof PeerTask.Barrier barrier) {
                barrier.future().complete(null); // nothing is left to wait for here
            } else {
                t.fail(gone);
            }
        }
    }

    private <T> CompletableFuture<T> submit(PeerTask task) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T> future = (CompletableFuture<T>) task.future();
        if (refuseIfClosed(task.regionId(), future)) {
            return future;
        }
        PeerFsm f = peers.get(task.regionId());
        if (f == null || !f.send(task)) {
            task.fail(new PeerException.RegionNotFound(task.regionId()));
        } else if (state.get() == State.TERMINATED) {
            task.fail(new PeerException.Closed(task.regionId(), "the peer driver")); // closed while we sent
        }
        return future;
    }

    private void sendIfOpen(long regionId, PeerTask task) {
        PeerFsm f = peers.get(regionId);
        if (f != null) {
            f.send(task);
        }
    }

    private boolean refuseIfClosed(long regionId, CompletableFuture<?> future) {
        if (state.get() == State.TERMINATED) {
            future.completeExceptionally(new PeerException.Closed(regionId, "the peer driver"));
            return true;
        }
        return false;
    }

    /** Only a leader's messages create a peer, and never one this store already removed. */
    private boolean mayCreatePeer(RaftMessage msg) {
        MessageType type = msg.getMessage().getMsgType();
        boolean fromLeader = type == MessageType.MsgAppend || type == MessageType.MsgHeartbeat
                || type == MessageType.MsgSnapshot || type == MessageType.MsgRequestVote
                || type == MessageType.MsgRequestPreVote || type == MessageType.MsgTimeoutNow;
        return fromLeader && msg.getToPeer().getId() != 0
                && !PeerBootstrap.isTombstoneAtLeast(engine, msg.getRegionId(), msg.getRegionEpoch());
    }

    private static RaftCmdRequest adminCommand(long regionId, Metapb.Peer peer, Metapb.RegionEpoch epoch,
            AdminRequest admin) {
        return RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(regionId).setPeer(peer).setRegionEpoch(epoch))
                .setAdminRequest(admin)
                .build();
    }

    private static void logFailure(long regionId, AdminCmdType what, CompletableFuture<Void> done) {
        done.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.info("region {}: {} failed: {}", regionId, what, failure.getMessage());
            }
        });
    }

    private void published(PeerView view, boolean shapeChanged) {
        views.put(view.regionId(), view);
        if (shapeChanged) {
            try {
                listener.changed(view);
            } catch (RuntimeException e) {
                LOG.warn("region {}: listener failed", view.regionId(), e);
            }
        }
    }

    private void shutdown() {
        tickTimer.shutdownNow();
        raftSystem.stop();
        applySystem.stop();
        PeerException closed = new PeerException.Closed(0, "the peer driver");
        synchronized (meta) {
            for (PeerFsm f : List.copyOf(peers.values())) {
                f.peer().close(new PeerException.Closed(f.regionId(), "the peer driver"));
                retire(f);
            }
            for (ApplyFsm a : List.copyOf(applies.values())) {
                a.abandon(closed);
            }
            applies.clear();
        }
        views.clear();
        snapshotWorker.shutdownNow();
    }

    /** The links between regions' machines, for the apply pool. */
    private final class Links implements ApplyFsm.Links {
        @Override
        public void toPeer(long regionId, PeerTask task) {
            PeerFsm f = peers.get(regionId);
            if (f != null) {
                f.send(task);
            }
        }

        @Override
        public boolean toApply(long regionId, ApplyTask task) {
            ApplyFsm a = applies.get(regionId);
            return a != null && a.send(task);
        }

        @Override
        public boolean toMergeSource(long sourceRegionId, long storeId, ApplyTask task) {
            synchronized (meta) {
                if (!applies.containsKey(sourceRegionId)) {
                    // A restarted store may replay the target's CommitMerge before it opened the source.
                    Metapb.Region onDisk = PeerBootstrap.regionOnDisk(engine, sourceRegionId);
                    Metapb.Peer self = onDisk == null ? null : RegionMembership.peerOnStore(onDisk, storeId);
                    if (self == null) {
                        return false;
                    }
                    register(RegionPeer.open(context, onDisk, self)).send(new PeerTask.Open(onDisk, self,
                            new CompletableFuture<>()));
                }
                return toApply(sourceRegionId, task);
            }
        }
    }

    /** An apply poller: runs each apply machine of its batch. */
    private static final class ApplyPoller implements BatchSystem.PollHandler<ApplyFsm> {
        @Override
        public void handle(List<ApplyFsm> batch) {
            for (ApplyFsm a : batch) {
                a.run();
            }
        }

        @Override
        public boolean hasMoreWork(ApplyFsm fsm) {
            return false;
        }
    }
}
