package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.raft.core.ProposalDroppedException;
import io.kvasir.raft.core.RaftStatus;
import io.kvasir.raft.core.RawNode;
import io.kvasir.raft.core.Ready;
import io.kvasir.raft.core.SoftState;
import io.kvasir.raft.core.StateRole;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * One region's peer on this store: its Raft node ({@link RawNode}) over its log
 * ({@link EngineLogStorage}), its {@link Applier} and its waiting proposals ({@link ProposalQueue}).
 * It knows nothing of threads: the {@link PeerDriver} calls it from its one thread and decides when
 * to persist, so that many peers share one synced write.
 *
 * <p>A Ready is handled in phases, in the order of the Ready contract: {@link #takeReady} stages
 * the log writes, the driver adds them to the shared batch ({@link ReadyWork#addTo}) and writes it,
 * then {@link #persisted} (place proposals, send messages), {@link #apply} (committed entries, in
 * their own batch with the apply state, then futures), {@link #advance}. An exception in any phase
 * is the driver's cue to {@link #fail} this peer; the others go on.
 */
final class RegionPeer {

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

    private final KvEngine engine;
    private final Metapb.Peer self;
    private final long regionId;
    private final PeerDriverConfig config;
    private final RawNode node;
    private final EngineLogStorage storage;
    private final Applier applier;
    private final ProposalQueue proposals;
    private final RaftTransport transport;
    private final LongConsumer beforeApply;
    private PeerLifecycle lifecycle = PeerLifecycle.LIVE;
    /** Why the peer fail-stopped, once it has. */
    private Throwable failure;
    /** The node's status, read lazily and dropped whenever an input may have changed it. */
    private RaftStatus status;
    private long appliedEntries;

    private RegionPeer(KvEngine engine, Metapb.Peer self, PeerBootstrap.InitialState init, PeerDriverConfig config,
            RaftTransport transport, LongConsumer beforeApply) {
        this.engine = engine;
        this.self = self;
        this.regionId = init.region().getId();
        this.config = config;
        this.transport = transport;
        this.beforeApply = beforeApply;
        this.storage = new EngineLogStorage(engine, regionId, ConfStates.fromRegion(init.region()), init.raftState(),
                init.applyState().getTruncatedState(), config.entryCacheCapacity());
        // Restart from the applied index: the core hands out committed entries after it again.
        this.node = new RawNode(config.raftConfigFor(self.getId(), init.applyState().getAppliedIndex()), storage);
        this.applier = new Applier(init.region(), init.applyState(), engine.limits());
        this.proposals = new ProposalQueue(regionId);
    }

    /** Loads the region's state from {@code engine}, or bootstraps it; see {@link PeerBootstrap}. */
    static RegionPeer open(KvEngine engine, Metapb.Region region, Metapb.Peer self, PeerDriverConfig config,
            RaftTransport transport, LongConsumer beforeApply) {
        return new RegionPeer(engine, self, PeerBootstrap.loadOrBootstrap(engine, region, self), config, transport,
                beforeApply);
    }

    long regionId() {
        return regionId;
    }

    Metapb.Peer self() {
        return self;
    }

    Metapb.Region region() {
        return applier.region();
    }

    /** Why the peer fail-stopped, or null. */
    Throwable failure() {
        return failure;
    }

    boolean isLive() {
        return lifecycle == PeerLifecycle.LIVE;
    }

    RaftStatus status() {
        if (status == null) {
            status = node.status();
        }
        return status;
    }

    RaftApplyState applyState() {
        return applier.state();
    }

    long firstLogIndex() {
        return storage.firstIndex();
    }

    long lastLogIndex() {
        return storage.lastIndex();
    }

    long appliedEntries() {
        return appliedEntries;
    }

    // ---- input --------------------------------------------------------------------------------------

    void tick() {
        status = null;
        node.tick();
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

    /**
     * Proposes {@code cmd}; {@code future} completes when it is applied, or fails with a
     * {@link PeerException}. Refusals (not leader, stale epoch, bad command) fail it at once.
     * Returns whether the core took it.
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
            WriteCommands.check(cmd, region(), engine.limits());
        } catch (PeerException refused) {
            future.completeExceptionally(refused);
            return false;
        }
        ByteString data = cmd.toByteString();
        try {
            node.propose(data);
        } catch (ProposalDroppedException dropped) {
            future.completeExceptionally(new PeerException.ProposalAborted(regionId, "dropped: " + dropped.getMessage()));
            return false;
        }
        proposals.add(st.term(), data, future);
        return true;
    }

    // ---- Ready, in phases ---------------------------------------------------------------------------

    boolean hasReady() {
        return node.hasReady();
    }

    ReadyWork takeReady() {
        Ready rd = node.ready();
        if (rd.snapshot() != null) {
            // TODO(peer): apply an incoming region snapshot (replication across stores, next issue).
            throw new UnsupportedOperationException("region " + regionId + ": applying a Raft snapshot is not supported yet");
        }
        return new ReadyWork(this, rd, storage.stage(rd.entries(), rd.hardState()));
    }

    /** The batch holding {@code work}'s log writes is durable. */
    void persisted(ReadyWork work) {
        storage.persisted(work.staged);
        if (work.ready.softState() != null || work.ready.hardState() != null) {
            status = null;
        }
        proposals.placed(work.ready.entries());
        for (Message m : work.ready.messages()) {
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
            return; // not a member any more: as good as lost, which Raft tolerates
        }
        transport.send(RaftMessage.newBuilder().setRegionId(regionId).setFromPeer(self).setToPeer(to)
                .setRegionEpoch(region().getRegionEpoch()).setMessage(m).build());
    }

    /**
     * Applies {@code work}'s committed entries: their data changes, the new apply state and, when
     * due, log GC, in one batch; then answers their proposals.
     */
    void apply(ReadyWork work) {
        List<Entry> committed = work.ready.committedEntries();
        if (committed.isEmpty()) {
            return;
        }
        beforeApply.accept(regionId);
        List<Applier.Outcome> outcomes;
        RaftApplyState next;
        RaftTruncatedState truncated = storage.truncatedState();
        try (WriteBatch batch = engine.newWriteBatch()) {
            outcomes = applier.stage(batch, committed);
            long applied = committed.get(committed.size() - 1).getIndex();
            long compactTo = LogGc.compactIndex(storage.firstIndex(), applied, config);
            if (compactTo > 0) {
                truncated = storage.stageCompaction(batch, compactTo);
            }
            next = applier.stageState(batch, truncated);
            // Not synced: the log is, and replay from it redoes whatever a machine crash loses,
            // exactly once, because the data and the apply state travel together.
            engine.write(batch, WriteOptions.NO_SYNC);
        } catch (RuntimeException | Error e) {
            applier.abandonStaged();
            throw e;
        }
        applier.applied(next);
        if (truncated != storage.truncatedState()) {
            storage.compacted(truncated);
        }
        appliedEntries += committed.size();
        for (Applier.Outcome o : outcomes) {
            CompletableFuture<Void> f = proposals.take(o.index(), o.term());
            if (f == null) {
                continue;
            }
            if (o.error() == null) {
                f.complete(null);
            } else {
                f.completeExceptionally(o.error());
            }
        }
    }

    void advance(ReadyWork work) {
        status = null;
        node.advance(work.ready);
    }

    // ---- lifecycle ----------------------------------------------------------------------------------

    /** Fail-stops the peer: it fails its futures with {@code cause} and serves nothing more. */
    void fail(Throwable cause) {
        transition(PeerLifecycle.FAILED);
        failure = cause;
        proposals.failAll(new PeerException.PeerFailed(regionId, cause));
    }

    /** Closes the peer, failing what still waits with {@code cause}. Idempotent. */
    void close(PeerException cause) {
        if (lifecycle == PeerLifecycle.CLOSED) {
            return;
        }
        transition(PeerLifecycle.CLOSED);
        proposals.failAll(cause);
    }

    private void transition(PeerLifecycle next) {
        if (!lifecycle.canBecome(next)) {
            throw new IllegalStateException("region " + regionId + ": peer cannot go from " + lifecycle + " to " + next);
        }
        lifecycle = next;
    }
}
