package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.RaftCmdpb.AdminCmdType;
import io.kvasir.kvproto.RaftCmdpb.AdminRequest;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftRequestHeader;
import io.kvasir.kvproto.RaftCmdpb.RollbackMergeRequest;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.core.StateRole;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny batch system (TiKV {@code batch-system}, reduced to one poller): ONE thread owns every
 * {@link RegionPeer} of the store, and other threads hand it work through a mailbox. Each pass of
 * its loop
 * <ol>
 *   <li>ticks every peer when a tick is due (by the injected {@link Ticker});</li>
 *   <li>drains the mailbox (opens, proposals, closes; status queries are answered at the end of
 *       the pass);</li>
 *   <li>takes the Ready of every peer that has one and writes all their log entries and hard
 *       states in ONE batch, synced if any of them must be: group commit, one fsync for every
 *       proposal that arrived meanwhile;</li>
 *   <li>then, peer by peer: sends messages, applies committed entries (one batch per region, with
 *       its apply state), completes futures, advances the node.</li>
 * </ol>
 * An exception from one region fail-stops that region ({@link RegionPeer#fail}), never the loop.
 *
 * <p>Futures complete on the driver thread. Dependent stages must not block (use the
 * {@code *Async} variants for anything slow), or they stall every region of the store.
 *
 * <p>Lifecycle: NEW, then {@link #start()}: RUNNING, then {@link #close()}: STOPPING while the loop
 * finishes its pass, then TERMINATED. Work submitted before {@code start()} waits for it; work
 * submitted after {@code close()} fails with {@link PeerException.Closed}.
 */
public final class PeerDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerDriver.class);
    /** At most this many mailbox tasks per pass, so a flood of proposals cannot starve ticks. */
    private static final int MAX_TASKS_PER_PASS = 4096;

    private enum State { NEW, RUNNING, STOPPING, TERMINATED }

    private final KvEngine engine;
    private final PeerDriverConfig config;
    private final Ticker ticker;
    private final RaftTransport transport;
    private final long tickNanos;
    private final LinkedBlockingQueue<PeerTask> mailbox = new LinkedBlockingQueue<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Thread thread;
    private final GroupCommit groupCommit;

    // Owned by the driver thread.
    private final Map<Long, RegionPeer> peers = new TreeMap<>();
    private final List<PeerTask.Status> statusQueries = new ArrayList<>();
    private long nextTickNanos;
    private long ticksToMergeCheck;

    // Read by any thread.
    private final Map<Long, PeerView> views = new ConcurrentHashMap<>();
    private final AtomicLong proposals = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private volatile LongConsumer beforeApply = regionId -> { };
    private volatile PeerListener listener = PeerListener.NONE;
    private final PeerContext context;
    private final ExecutorService snapshotWorker;

    /** Told when a region's shape (range, members, leader, lagging peers) changes here, or it goes away. */
    public interface PeerListener {
        /** Called on the driver thread: must not block. */
        void changed(PeerView view);

        /** The region's peer was destroyed here (removed from the region). */
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
        this.transport = transport;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(config.tickMillis());
        this.groupCommit = new GroupCommit(engine, new GroupCommit.Listener() {
            @Override
            public void failed(RegionPeer peer, Throwable cause) {
                failPeer(peer, cause);
            }

            @Override
            public void leaderChanged(RegionPeer peer, long leaderPeerId) {
                peer.publish();
            }
        });
        this.thread = new Thread(this::run, "kvasir-peer-driver");
        this.thread.setDaemon(true);
        this.snapshotWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kvasir-snap-generator");
            t.setDaemon(true);
            return t;
        });
        this.context = new PeerContext(engine, config, transport, snapshotPaths, snapshotWorker, ticker,
                this::published, id -> beforeApply.accept(id), this::catchUpMergeSource);
    }

    /** Sets who hears of region changes; call before {@link #start()}. */
    public void listener(PeerListener l) {
        this.listener = l;
    }

    /** Starts the driver thread. */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("peer driver already started (" + state.get() + ")");
        }
        thread.start();
    }

    /**
     * Opens the region's peer: loads its state, or bootstraps a new single-voter group if the
     * store has none (see {@link PeerBootstrap}); applies entries committed but not applied
     * before a restart; and, if it is the only voter, campaigns at once. Completes when the peer
     * is open and caught up with its log, so a proposal submitted afterwards reaches a leader.
     * Opening an open region again with the same peer does nothing.
     */
    public CompletableFuture<Void> open(Metapb.Region region, Metapb.Peer self) {
        return submit(new PeerTask.Open(region, self, new CompletableFuture<>()));
    }

    /**
     * Proposes {@code cmd} to the region's Raft group. Completes when the command is committed,
     * persisted and applied, so a read that starts afterwards sees it. Fails with a
     * {@link PeerException}: {@link PeerException.EntryTooLarge} (checked here, before anything is
     * queued), {@link PeerException.RegionNotFound}, {@link PeerException.NotLeader},
     * {@link PeerException.EpochNotMatch}, {@link PeerException.KeyNotInRegion},
     * {@link PeerException.InvalidCommand}, {@link PeerException.ProposalAborted},
     * {@link PeerException.Closed} or {@link PeerException.PeerFailed}.
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
        return submit(new PeerTask.Close(regionId, new CompletableFuture<>()));
    }

    /** The region's peer as the driver sees it; fails with {@link PeerException.RegionNotFound}. */
    public CompletableFuture<PeerStatus> status(long regionId) {
        return submit(new PeerTask.Status(regionId, new CompletableFuture<>()));
    }

    /**
     * Hands a message from another store to its region's peer, creating the peer if its leader is
     * asking for it (TiKV {@code maybe_create_peer}). Never blocks; a message the store cannot
     * take is dropped, which Raft tolerates.
     */
    public void step(RaftMessage message) {
        submit(new PeerTask.Step(message, new CompletableFuture<>()));
    }

    /** The transport could not deliver to {@code peerId} of the region. */
    public void reportUnreachable(long regionId, long peerId) {
        submit(new PeerTask.Delivery(regionId, peerId, false, false, new CompletableFuture<>()));
    }

    /** The snapshot sent to {@code peerId} of the region arrived ({@code delivered}) or not. */
    public void reportSnapshot(long regionId, long peerId, boolean delivered) {
        submit(new PeerTask.Delivery(regionId, peerId, true, delivered, new CompletableFuture<>()));
    }

    /**
     * Completes once a read of the region may look at the engine and see every write acknowledged
     * before this call: the leader confirmed it still leads (ReadIndex) and applied up to the read
     * point. Fails with {@link PeerException.NotLeader} or {@link PeerException.RegionNotFound}.
     * Reads within a valid lease ({@link PeerView#leaseValidAt}) need not call it.
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
        return new PeerDriverStats(groupCommit.raftWrites.get(), groupCommit.syncedWrites.get(), proposals.get(),
                groupCommit.appliedEntries.get(), ticks.get());
    }

    /**
     * Stops the loop after its current pass, closes every peer (waiting proposals fail with
     * {@link PeerException.Closed}) and joins the thread (unless called on the driver thread, from a
     * future's callback). Idempotent.
     */
    @Override
    public void close() {
        State was = state.getAndUpdate(s -> s == State.TERMINATED ? s : State.STOPPING);
        if (was == State.NEW) {
            state.set(State.TERMINATED);
            failMailbox();
            snapshotWorker.shutdownNow();
            return;
        }
        if (was == State.TERMINATED) {
            return;
        }
        mailbox.offer(new PeerTask.Status(0, new CompletableFuture<>())); // wakes the loop
        if (Thread.currentThread() == thread) {
            return; // called from a future's callback on the driver thread: the loop ends after this pass
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test hook: runs before each region applies a batch of entries; an exception from it fails that region. */
    void beforeApplyForTesting(LongConsumer hook) {
        this.beforeApply = hook;
    }

    private <T> CompletableFuture<T> submit(PeerTask task) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T> future = (CompletableFuture<T>) task.future();
        State s = state.get();
        if (s == State.STOPPING || s == State.TERMINATED) {
            task.fail(new PeerException.Closed(task.regionId(), "the peer driver"));
            return future;
        }
        mailbox.offer(task);
        if (state.get() == State.TERMINATED) {
            failMailbox(); // the loop may have drained for the last time before our offer
        }
        return future;
    }

    // ---- the loop (driver thread only) --------------------------------------------------------------

    private void run() {
        nextTickNanos = ticker.nanos() + tickNanos;
        try {
            while (state.get() == State.RUNNING) {
                try {
                    pass();
                } catch (InterruptedException e) {
                    LOG.warn("peer driver interrupted; it stops only when closed");
                } catch (RuntimeException e) {
                    LOG.error("peer driver pass failed; continuing", e);
                }
            }
        } finally {
            shutdown(); // also when an Error escapes: no future is left hanging
        }
    }

    private void pass() throws InterruptedException {
        PeerTask first = null;
        if (!anyReady()) {
            long wait = Math.max(0, Math.min(tickNanos, nextTickNanos - ticker.nanos()));
            first = mailbox.poll(wait, TimeUnit.NANOSECONDS);
        }
        tickIfDue();
        if (first != null) {
            handle(first);
        }
        for (int i = 0; i < MAX_TASKS_PER_PASS && state.get() == State.RUNNING; i++) {
            PeerTask task = mailbox.poll();
            if (task == null) {
                break;
            }
            // Ticks before each task: whoever moves the clock and then hands work to the driver
            // finds the tick done.
            tickIfDue();
            handle(task);
        }
        processReadies();
        answerStatusQueries();
    }

    private boolean anyReady() {
        for (RegionPeer p : peers.values()) {
            if (p.isLive() && p.hasReady()) {
                return true;
            }
        }
        return false;
    }

    private void tickIfDue() {
        long now = ticker.nanos();
        if (now - nextTickNanos < 0) {
            if (nextTickNanos - now > tickNanos) {
                nextTickNanos = now + tickNanos; // the clock went back (a wall clock): do not stall
            }
            return;
        }
        // One tick however late we are: a burst of ticks after a pause would start elections.
        nextTickNanos = now + tickNanos;
        ticks.incrementAndGet();
        for (RegionPeer p : peers.values()) {
            if (p.isLive()) {
                try {
                    p.tick();
                } catch (RuntimeException | Error e) {
                    failPeer(p, e);
                }
            }
        }
        if (--ticksToMergeCheck <= 0) {
            ticksToMergeCheck = config.mergeCheckTicks();
            checkMerges();
        }
    }

    // ---- merge (TiKV's on_check_merge / schedule_merge / rollback_merge) ---------------------------

    /**
     * Moves every merge this store's source peers prepared one step on. Each replica of the source
     * tries, since only the one beside the target's leader can hand it the CommitMerge: the stores
     * that hold a quorum of the source also hold one of the target (PD places them alike).
     */
    private void checkMerges() {
        for (RegionPeer source : List.copyOf(peers.values())) {
            if (source.isLive() && source.merging() != null) {
                try {
                    checkMerge(source);
                } catch (RuntimeException e) {
                    LOG.warn("region {}: merge check failed: {}", source.regionId(), e.getMessage());
                }
            }
        }
    }

    /**
     * If this store's target peer leads at the epoch the merge expects, it proposes the
     * CommitMerge. If the target moved past that epoch, it can never apply this merge (it checks
     * the epoch at apply, and its log is the same everywhere; had it applied the merge here, the
     * source would be gone), so the source's leader rolls the merge back.
     */
    private void checkMerge(RegionPeer source) {
        MergeState merge = source.merging();
        RegionPeer target = peers.get(merge.getTarget().getId());
        if (target == null || !target.isLive() || !target.initialized()) {
            return; // PD placed a target peer on this store; it has not arrived yet
        }
        Metapb.RegionEpoch expected = merge.getTarget().getRegionEpoch();
        Metapb.RegionEpoch local = target.region().getRegionEpoch();
        if (local.getVersion() > expected.getVersion() || local.getConfVer() > expected.getConfVer()) {
            if (source.status().role() == StateRole.LEADER) {
                LOG.info("region {}: target region {} moved on to epoch {}/{}; rolling the merge back", source.regionId(),
                        target.regionId(), local.getVersion(), local.getConfVer());
                proposeLocally(source, AdminRequest.newBuilder().setCmdType(AdminCmdType.RollbackMerge)
                        .setRollbackMerge(RollbackMergeRequest.newBuilder().setCommit(merge.getCommit())).build(),
                        source.region().getRegionEpoch());
            }
            return;
        }
        if (!local.equals(expected) || target.status().role() != StateRole.LEADER) {
            return;
        }
        proposeLocally(target, AdminRequest.newBuilder().setCmdType(AdminCmdType.CommitMerge)
                .setCommitMerge(source.commitMergeRequest()).build(), expected);
    }

    private void proposeLocally(RegionPeer peer, AdminRequest admin, Metapb.RegionEpoch epoch) {
        RaftCmdRequest cmd = RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(peer.regionId()).setPeer(peer.self())
                        .setRegionEpoch(epoch))
                .setAdminRequest(admin)
                .build();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (peer.propose(cmd, done)) {
            proposals.incrementAndGet();
        }
        done.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.info("region {}: {} failed: {}", peer.regionId(), admin.getCmdType(), failure.getMessage());
            }
        });
    }

    /** Called while {@code target} applies a CommitMerge; see {@link Applier.MergeSourceCatchUp}. */
    private Metapb.Region catchUpMergeSource(RegionPeer target, CommitMergeRequest request) {
        long sourceId = request.getSource().getId();
        RegionPeer source = peers.get(sourceId);
        if (source == null) {
            // A restarted store may replay the target's CommitMerge before it opened the source.
            Metapb.Region onDisk = PeerBootstrap.regionOnDisk(engine, sourceId);
            Metapb.Peer self = onDisk == null ? null : RegionMembership.peerOnStore(onDisk, target.self().getStoreId());
            if (self == null) {
                throw new IllegalStateException("region " + target.regionId() + ": merge source region " + sourceId
                        + " has no live peer on this store");
            }
            source = RegionPeer.open(context, onDisk, self);
            peers.put(sourceId, source);
        }
        return source.catchUpForMerge(target.regionId(), request);
    }

    /** A CommitMerge took {@code source}'s range: its peer here closes, its state already a tombstone. */
    private void finishMergedSource(Metapb.Region source) {
        RegionPeer peer = peers.remove(source.getId());
        views.remove(source.getId());
        if (peer != null) {
            for (List<Metapb.Region> pieces : peer.takeSplits()) {
                openSplitPieces(peer, pieces);
            }
            peer.close(new PeerException.RegionNotFound(source.getId()));
        }
        listener.removed(source.getId());
        LOG.info("region {}: merged away; its peer here is closed", source.getId());
    }

    private void handle(PeerTask task) {
        try {
            if (task instanceof PeerTask.Propose propose) {
                handlePropose(propose);
            } else if (task instanceof PeerTask.Step step) {
                handleStep(step.message());
            } else if (task instanceof PeerTask.ReadIndex read) {
                handleReadIndex(read);
            } else if (task instanceof PeerTask.Delivery delivery) {
                handleDelivery(delivery);
            } else if (task instanceof PeerTask.Open open) {
                handleOpen(open);
            } else if (task instanceof PeerTask.Close close) {
                handleClose(close);
            } else if (task instanceof PeerTask.Status status) {
                handleStatus(status);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("region {}: {} failed", task.regionId(), task.getClass().getSimpleName(), e);
            task.fail(e);
        }
    }

    private void handleOpen(PeerTask.Open task) {
        long regionId = task.regionId();
        RegionPeer existing = peers.get(regionId);
        if (existing != null) {
            if (existing.isLive() && existing.self().getId() == task.self().getId()) {
                task.future().complete(null);
                return;
            }
            if (existing.isLive()) {
                throw new IllegalArgumentException("region " + regionId + " is open with peer " + existing.self().getId()
                        + ", not " + task.self().getId());
            }
            peers.remove(regionId).close(new PeerException.Closed(regionId, "the failed peer"));
        }
        if (PeerBootstrap.isTombstone(engine, regionId)) {
            // Merged away or removed while the caller was not looking (a merge's target may
            // replay its CommitMerge on restart before this region's turn to open).
            LOG.info("region {}: a tombstone on this store; not opened", regionId);
            task.future().complete(null);
            return;
        }
        RegionPeer peer = RegionPeer.open(context, task.region(), task.self());
        peers.put(regionId, peer);
        try {
            // Entries committed before a restart but not applied are applied now, before the peer
            // serves anything (and before it campaigns: a pending membership change would stop it).
            while (peer.isLive() && peer.hasReady()) {
                groupCommit.run(List.of(peer));
                afterRound(peer);
            }
            if (!peer.isLive()) {
                throw new PeerException.PeerFailed(regionId, peer.failure());
            }
            peer.campaignIfSoleVoter();
            // Published now, not when the campaign's Ready is handled: a sole voter leads from
            // here on, and requests routed meanwhile should not be bounced as not_leader.
            peer.publish();
        } catch (RuntimeException | Error e) {
            peers.remove(regionId);
            if (peer.isLive()) {
                peer.fail(e);
            }
            throw e;
        }
        task.future().complete(null);
    }

    private void handlePropose(PeerTask.Propose task) {
        RegionPeer peer = peers.get(task.regionId());
        if (peer == null) {
            task.fail(new PeerException.RegionNotFound(task.regionId()));
            return;
        }
        if (peer.propose(task.cmd(), task.future())) {
            proposals.incrementAndGet();
        }
    }

    private void handleStep(RaftMessage msg) {
        long regionId = msg.getRegionId();
        RegionPeer peer = peers.get(regionId);
        if (peer != null && peer.self().getId() != msg.getToPeer().getId()) {
            if (msg.getToPeer().getId() < peer.self().getId()) {
                return; // for a peer this store had before; stale
            }
            // The region re-added this store with a new peer while ours missed its removal.
            LOG.info("region {}: peer {} is stale, peer {} replaces it", regionId, peer.self().getId(),
                    msg.getToPeer().getId());
            destroy(peer);
            peer = null;
        }
        if (peer == null) {
            if (!mayCreatePeer(msg)) {
                return;
            }
            peer = RegionPeer.createUninitialized(context, regionId, msg.getToPeer());
            peers.put(regionId, peer);
            LOG.info("region {}: peer {} created on a message from peer {}", regionId, msg.getToPeer().getId(),
                    msg.getFromPeer().getId());
            peer.publish();
        }
        if (!peer.isLive()) {
            return;
        }
        if (msg.getMessage().getMsgType() == MessageType.MsgSnapshot && overlapsAnother(msg)) {
            return;
        }
        peer.step(msg);
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

    /** A snapshot whose range another region here holds is refused, as in TiKV (the other region must go first). */
    private boolean overlapsAnother(RaftMessage msg) {
        Metapb.Region incoming;
        try {
            incoming = SnapshotInstaller.regionOf(msg.getMessage().getSnapshot());
        } catch (IllegalArgumentException e) {
            return true;
        }
        List<RegionPeer> mergedInto = new ArrayList<>();
        for (RegionPeer other : peers.values()) {
            if (other.regionId() != msg.getRegionId() && other.initialized()
                    && RegionRanges.overlap(other.region(), incoming)) {
                if (other.merging() != null && other.merging().getTarget().getId() == msg.getRegionId()) {
                    mergedInto.add(other); // the snapshot is of its target after the merge: it holds this data
                    continue;
                }
                LOG.info("region {}: snapshot overlaps region {} here; dropped", msg.getRegionId(), other.regionId());
                return true;
            }
        }
        for (RegionPeer source : mergedInto) {
            LOG.info("region {}: snapshot covers region {}, which merged into it; that peer goes", msg.getRegionId(),
                    source.regionId());
            destroy(source);
        }
        return false;
    }

    private void handleReadIndex(PeerTask.ReadIndex task) {
        RegionPeer peer = peers.get(task.regionId());
        if (peer == null) {
            task.fail(new PeerException.RegionNotFound(task.regionId()));
            return;
        }
        peer.readIndex(task.future());
    }

    private void handleDelivery(PeerTask.Delivery task) {
        RegionPeer peer = peers.get(task.regionId());
        if (peer == null || !peer.isLive()) {
            return;
        }
        if (task.snapshot()) {
            peer.reportSnapshot(task.peerId(), task.delivered());
        } else {
            peer.reportUnreachable(task.peerId());
        }
    }

    /**
     * Opens this store's peers of the regions a split created (their states were written with the
     * split). A peer of one that its leader created uninitialized meanwhile gives way: the split
     * brings the data it was waiting for. If the parent leads here, the new peers campaign at once
     * (TiKV does the same) so the new regions are served without an election timeout.
     */
    private void openSplitPieces(RegionPeer parent, List<Metapb.Region> pieces) {
        boolean leader = parent.status().role() == StateRole.LEADER;
        for (Metapb.Region piece : pieces) {
            if (piece.getId() == parent.regionId()) {
                continue;
            }
            Metapb.Peer self = null;
            for (Metapb.Peer p : piece.getPeersList()) {
                if (p.getStoreId() == parent.self().getStoreId()) {
                    self = p;
                }
            }
            RegionPeer existing = peers.get(piece.getId());
            if (existing != null) {
                if (existing.initialized()) {
                    LOG.warn("region {}: split of region {} found it open here already", piece.getId(), parent.regionId());
                    continue;
                }
                peers.remove(piece.getId());
                existing.close(new PeerException.Closed(piece.getId(), "the uninitialized peer"));
            }
            try {
                RegionPeer created = RegionPeer.open(context, piece, self);
                peers.put(piece.getId(), created);
                if (leader) {
                    created.campaign();
                }
                created.publish();
            } catch (RuntimeException e) {
                LOG.error("region {}: cannot open the peer a split of region {} created", piece.getId(),
                        parent.regionId(), e);
            }
        }
    }

    /** Closes and erases a peer that left its region. */
    private void destroy(RegionPeer peer) {
        peers.remove(peer.regionId());
        views.remove(peer.regionId());
        // Not RegionNotFound: a proposal still waiting here may yet commit through the other replicas.
        peer.close(new PeerException.Closed(peer.regionId(), "the removed peer"));
        peer.destroy();
        listener.removed(peer.regionId());
    }

    private void handleClose(PeerTask.Close task) {
        RegionPeer peer = peers.remove(task.regionId());
        views.remove(task.regionId());
        if (peer != null) {
            peer.close(new PeerException.Closed(task.regionId(), "the peer"));
        }
        task.future().complete(null);
    }

    private void handleStatus(PeerTask.Status task) {
        if (task.regionId() != 0) { // 0: the wake-up of close()
            statusQueries.add(task);
        }
    }

    /** Answered at the end of the pass, so they see the effect of everything handed in before them. */
    private void answerStatusQueries() {
        for (PeerTask.Status task : statusQueries) {
            try {
                answerStatus(task);
            } catch (RuntimeException e) {
                task.fail(e);
            }
        }
        statusQueries.clear();
    }

    private void answerStatus(PeerTask.Status task) {
        RegionPeer peer = peers.get(task.regionId());
        if (peer == null) {
            task.fail(new PeerException.RegionNotFound(task.regionId()));
            return;
        }
        task.future().complete(new PeerStatus(peer.region(), peer.status(), peer.applyState().getAppliedIndex(),
                peer.firstLogIndex(), peer.lastLogIndex(), peer.isLive()));
    }

    private void processReadies() {
        List<RegionPeer> ready = new ArrayList<>();
        for (RegionPeer p : peers.values()) {
            if (p.isLive() && p.hasReady()) {
                ready.add(p);
            }
        }
        if (!ready.isEmpty()) {
            groupCommit.run(ready);
            for (RegionPeer p : ready) {
                afterRound(p);
            }
        }
    }

    /** What a round of Ready handling left for the driver: peers to open, close or destroy. */
    private void afterRound(RegionPeer p) {
        if (!p.isLive()) {
            return;
        }
        for (List<Metapb.Region> pieces : p.takeSplits()) {
            openSplitPieces(p, pieces);
        }
        for (Metapb.Region source : p.takeMergedSources()) {
            finishMergedSource(source);
        }
        if (p.isRemoved()) {
            destroy(p);
        }
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

    private void failPeer(RegionPeer p, Throwable cause) {
        if (!p.isLive()) {
            return;
        }
        LOG.error("region {}: peer fail-stopped", p.regionId(), cause);
        views.remove(p.regionId());
        p.fail(cause);
    }

    private void shutdown() {
        for (PeerTask.Status task : statusQueries) {
            task.fail(new PeerException.Closed(task.regionId(), "the peer driver"));
        }
        statusQueries.clear();
        for (RegionPeer p : peers.values()) {
            p.close(new PeerException.Closed(p.regionId(), "the peer driver"));
        }
        peers.clear();
        views.clear();
        state.set(State.TERMINATED);
        failMailbox();
        snapshotWorker.shutdownNow();
    }

    private void failMailbox() {
        for (PeerTask task = mailbox.poll(); task != null; task = mailbox.poll()) {
            task.fail(new PeerException.Closed(task.regionId(), "the peer driver"));
        }
    }
}
