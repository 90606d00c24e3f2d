package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One Raft peer as a pure step function (etcd {@code rawnode.go}): feed it ticks, messages and
 * requests; take a {@link Ready}; do what it says (see its contract); {@link #advance} it.
 *
 * <pre>
 *   node.tick();  node.step(msg);  node.propose(data);  node.readIndex(ctx); ...
 *   while (node.hasReady()) {
 *       Ready rd = node.ready();
 *       persist(rd.snapshot(), rd.entries(), rd.hardState());   // fsync if rd.mustSync()
 *       send(rd.messages());
 *       apply(rd.snapshot(), rd.committedEntries());           // applyConfChange for conf changes
 *       serve(rd.readStates());
 *       node.advance(rd);
 *   }
 * </pre>
 *
 * <p>Not thread-safe: one thread drives it (the store's raft worker). It does no I/O, reads no
 * clock and starts no thread. A message from the network can never make it throw: malformed
 * messages are ignored ({@link MessageValidator}). Local misuse (calling {@link #ready()} twice
 * without {@link #advance}) throws {@link IllegalStateException}.
 */
public final class RawNode {

    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    /** The Ready handed out and not yet advanced, or null. */
    private Ready outstanding;

    /**
     * A node over {@code storage}: a new node of a new group if the storage holds the initial
     * configuration and nothing else, a restarted node otherwise.
     */
    public RawNode(RaftConfig config, LogStorage storage) {
        this.raft = new Raft(config, storage);
        this.prevSoftState = raft.softState();
        this.prevHardState = storage.initialState().hardState();
    }

    /** Advances the logical clock by one tick: elections, heartbeats, check-quorum, leases. */
    public void tick() {
        raft.tick();
    }

    /** Campaigns now, as if the election timeout had passed (with pre-vote if configured). */
    public void campaign() {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgHup).setFrom(raft.id).build());
    }

    /**
     * Steps a message from a peer. Malformed messages, local-only types, and responses from
     * non-members are ignored; so are stale ones, by the protocol.
     */
    public void step(Message m) {
        if (MessageValidator.problem(m, raft.id) != null) {
            return;
        }
        if (isResponse(m.getMsgType()) && raft.trk.progress(m.getFrom()) == null) {
            return;
        }
        raft.step(m);
    }

    private static boolean isResponse(MessageType t) {
        return t == MessageType.MsgAppendResponse || t == MessageType.MsgRequestVoteResponse
                || t == MessageType.MsgHeartbeatResponse || t == MessageType.MsgRequestPreVoteResponse;
    }

    /**
     * Proposes {@code data} for the log. On a follower it is forwarded to the leader, or refused,
     * per {@link RaftConfig#followerProposals()}. Being taken does not mean being committed: the
     * application learns that when the entry shows up in {@link Ready#committedEntries()}.
     *
     * @throws ProposalDroppedException if it was not taken
     */
    public void propose(ByteString data) {
        proposeEntry(Entry.newBuilder().setData(data).build());
    }

    /**
     * Proposes a membership change (joint or simple per {@link ConfChanges#entersJoint}). On the
     * leader it is checked first.
     *
     * @throws ConfChangeRefusedException if the leader refuses it, with the reason
     * @throws ProposalDroppedException if it was not taken for any other reason
     */
    public void proposeConfChange(ConfChangeV2 cc) {
        if (raft.role instanceof LeaderState leader) {
            String refusal = leader.confChangeRefusal(cc);
            if (refusal != null) {
                throw new ConfChangeRefusedException(refusal);
            }
        }
        proposeEntry(ConfChanges.toEntry(cc));
    }

    private void proposeEntry(Entry e) {
        Message m = Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(raft.id).addEntries(e).build();
        String dropped = raft.role.propose(m);
        if (dropped != null) {
            throw new ProposalDroppedException(dropped, raft.lead);
        }
    }

    /**
     * Applies a committed membership change; call it when applying its entry. Returns the new
     * configuration, which the application persists with its applied state (a snapshot carries it).
     *
     * @throws ConfChangeRefusedException if the change is invalid in the current configuration;
     *     nothing changed, and since every replica refuses it alike, the entry is a no-op
     */
    public ConfState applyConfChange(ConfChangeV2 cc) {
        ConfState cs = raft.applyConfChange(cc);
        // An application that applies after advance() (an apply pool) hands a joint configuration
        // in after its entry counts as applied here: leave it now if it asks to leave by itself.
        if (raft.role instanceof LeaderState leader) {
            leader.maybeAutoLeave();
        }
        return cs;
    }

    /** Asks the leader to hand leadership to {@code transferee}, which must be a voter (thesis §3.10). */
    public void transferLeader(long transferee) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader).setFrom(transferee).build());
    }

    /**
     * Asks for a linearizable read point. When confirmed, a {@link ReadState} with {@code ctx} shows up
     * in a {@link Ready}; serve the read once applied up to its index. {@code ctx} must be unique
     * among recent requests. A request may be dropped (no leader, leadership lost): the caller
     * retries after a timeout.
     */
    public void readIndex(ByteString ctx) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex)
                .addEntries(Entry.newBuilder().setData(ctx)).build());
    }

    /** The transport could not reach {@code id}: the leader stops pipelining to it and probes. */
    public void reportUnreachable(long id) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgUnreachable).setFrom(id).build());
    }

    /** Reports whether the snapshot sent to {@code id} was delivered. */
    public void reportSnapshot(long id, boolean delivered) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgSnapStatus).setFrom(id).setReject(!delivered).build());
    }

    /** Whether the next Ready installs a snapshot (one arrived and is not yet persisted). */
    public boolean hasPendingSnapshot() {
        return raft.raftLog.hasPendingSnapshot();
    }

    /** Whether {@link #ready()} has something (and the previous Ready was advanced). */
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        RaftLog log = raft.raftLog;
        // Compared field by field: this runs on every pass of a raft worker and must not allocate.
        if (raft.lead != prevSoftState.leaderId() || raft.state() != prevSoftState.role()) {
            return true;
        }
        if (raft.term != prevHardState.getTerm() || raft.vote != prevHardState.getVote()
                || log.committed() != prevHardState.getCommit()) {
            return true;
        }
        return log.hasPendingSnapshot() || log.unstable().hasEntries() || log.hasNextCommittedEntries()
                || !raft.msgs.isEmpty() || !raft.readStates.isEmpty();
    }

    /** Collects what is to be done; see {@link Ready} for the contract. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("ready() called again before advance() of the previous Ready");
        }
        RaftLog log = raft.raftLog;
        SoftState softChange = raft.lead != prevSoftState.leaderId() || raft.state() != prevSoftState.role()
                ? raft.softState() : null;
        boolean hardChanged = raft.term != prevHardState.getTerm() || raft.vote != prevHardState.getVote()
                || log.committed() != prevHardState.getCommit();
        HardState hardChange = hardChanged ? raft.hardState() : null;
        List<Entry> entries = log.unstableEntries();
        Snapshot snapshot = log.unstable().snapshot();
        List<Entry> committed = log.nextCommittedEntries(Long.MAX_VALUE);
        List<Message> messages = take(raft.msgs);
        List<ReadState> reads = take(raft.readStates);
        boolean mustSync = !entries.isEmpty() || snapshot != null
                || (hardChange != null && (hardChange.getTerm() != prevHardState.getTerm()
                        || hardChange.getVote() != prevHardState.getVote()));
        if (softChange != null) {
            prevSoftState = softChange;
        }
        if (hardChange != null) {
            prevHardState = hardChange;
        }
        outstanding = new Ready(softChange, hardChange, reads, entries, snapshot, committed, messages, mustSync);
        return outstanding;
    }

    private static <T> List<T> take(List<T> list) {
        if (list.isEmpty()) {
            return List.of();
        }
        List<T> taken = new ArrayList<>(list);
        list.clear();
        return taken;
    }

    /** The application has done what {@code rd} asked. */
    public void advance(Ready rd) {
        if (rd != outstanding) {
            throw new IllegalStateException("advance() with a Ready that is not the outstanding one");
        }
        outstanding = null;
        RaftLog log = raft.raftLog;
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            log.stableTo(last.getIndex(), last.getTerm());
        }
        if (rd.snapshot() != null) {
            long index = rd.snapshot().getMetadata().getIndex();
            log.stableSnapTo(index);
            raft.appliedTo(index); // the application restored its state machine from it
        }
        if (!rd.committedEntries().isEmpty()) {
            raft.reduceUncommittedSize(rd.committedEntries());
            raft.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex());
        }
    }

    /** A description of this node's state. */
    public RaftStatus status() {
        TreeMap<Long, String> progress = new TreeMap<>();
        long transferee = Raft.NONE;
        if (raft.role instanceof LeaderState leader) {
            raft.trk.visit((id, pr) -> progress.put(id, pr.toString()));
            transferee = leader.leadTransferee();
        }
        return new RaftStatus(raft.id, raft.term, raft.vote, raft.raftLog.committed(), raft.raftLog.applied(),
                raft.lead, raft.state(), raft.trk.config().toString(), progress, transferee);
    }

    /**
     * This node's lease as leader (see {@link LeaseStatus}; it may have expired), or null when it
     * is no leader. A single voter holds one only once it served a read alone.
     */
    public LeaseStatus lease() {
        return raft.role instanceof LeaderState leader ? leader.lease().status() : null;
    }

    /**
     * While leading: the match index of every peer in the configuration (the leader's own is its
     * last index); empty on followers. For reporting lagging peers and bounding log GC.
     */
    public java.util.Map<Long, Long> matchIndexes() {
        java.util.Map<Long, Long> out = new TreeMap<>();
        if (raft.role instanceof LeaderState) {
            raft.trk.visit((id, pr) -> out.put(id, pr.match()));
        }
        return out;
    }

    /** The node's id. */
    public long id() {
        return raft.id;
    }

    /** For tests and the simulator in this package. */
    Raft raft() {
        return raft;
    }
}
