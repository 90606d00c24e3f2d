package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader role (etcd {@code stepLeader}, {@code tickHeartbeat}, {@code sendAppend}): replication
 * with per-follower {@link Progress}, commitment by counting, heartbeats, check-quorum, proposals,
 * membership changes and leadership transfer. Reads are delegated to {@link LeaderReads}. All of
 * this state is dropped when the node stops leading.
 */
@PerformanceCriticalPath
final class LeaderState implements RoleState {

    private final Raft r;
    private final RaftLog log;
    private final ProgressTracker trk;
    private final LeaderReads reads;
    private final LeaderLease lease;
    private final ConfChangeChecks checks;

    private int heartbeatElapsed;
    /** The peer leadership is being handed to, or {@link Raft#NONE}. */
    private long leadTransferee = Raft.NONE;
    /** Index of the latest conf change appended; no new one is accepted before it is applied. */
    private long pendingConfIndex;
    /** Payload bytes appended and not yet committed, bounded by {@link RaftConfig#maxUncommittedSize()}. */
    private long uncommittedSize;

    LeaderState(Raft r) {
        this.r = r;
        this.log = r.raftLog;
        this.trk = r.trk;
        this.lease = new LeaderLease(r.cfg.electionTick(), r.cfg.leaseClockDriftMarginTicks());
        this.reads = new LeaderReads(r, this, lease);
        this.checks = new ConfChangeChecks(r, lease);
    }

    /** Completes {@link Raft#becomeLeader()}: take our own progress and append this term's empty entry. */
    void start() {
        Progress self = trk.progress(r.id);
        if (self != null) {
            self.becomeReplicate();
            self.setRecentActive(true); // check-quorum never finds the leader itself inactive
        }
        // There may be an unapplied conf change in the log; refuse new ones until all of it is applied.
        pendingConfIndex = log.lastIndex();
        // Thesis §6.4: an entry of its own term lets the leader learn what is committed.
        if (!appendEntries(List.of(Entry.getDefaultInstance()))) {
            throw new IllegalStateException("node " + r.id + ": the new leader's empty entry was refused");
        }
        if (!isVoter()) {
            lease.voidLease();
            handOverIfRemoved(); // elected only to pass its log on (see Raft#promotable)
        }
    }

    @Override
    public StateRole role() {
        return StateRole.LEADER;
    }

    LeaderLease lease() {
        return lease;
    }

    long leadTransferee() {
        return leadTransferee;
    }

    long pendingConfIndex() {
        return pendingConfIndex;
    }

    // ---- time -------------------------------------------------------------------------------------

    @Override
    public void tick() {
        heartbeatElapsed++;
        r.electionElapsed++;
        lease.tick();
        if (r.electionElapsed >= r.cfg.electionTick()) {
            r.electionElapsed = 0;
            if (r.cfg.checkQuorum() && !checkQuorum()) {
                return; // stepped down
            }
            if (leadTransferee != Raft.NONE) {
                abortLeaderTransfer(); // a transfer must finish within an election timeout (thesis §3.10)
            }
        }
        if (heartbeatElapsed >= r.cfg.heartbeatTick()) {
            heartbeatElapsed = 0;
            bcastHeartbeat();
        }
        maybeAutoLeave(); // retries an automatic leave dropped while a transfer was in progress
        handOverIfRemoved(); // retries a hand-over that timed out
    }

    /** Check-quorum (thesis §6.2): step down unless a quorum was heard from since the last check. */
    private boolean checkQuorum() {
        boolean active = trk.quorumActive();
        trk.visit((id, pr) -> {
            if (id != r.id) {
                pr.setRecentActive(false);
            }
        });
        if (!active) {
            r.becomeFollower(r.term, Raft.NONE);
            return false;
        }
        return true;
    }

    // ---- messages ---------------------------------------------------------------------------------

    @Override
    public void step(Message m) {
        switch (m.getMsgType()) {
            case MsgBeat -> bcastHeartbeat();
            case MsgCheckQuorum -> checkQuorum();
            case MsgReadIndex -> reads.onReadIndex(m);
            default -> stepFromPeer(m);
        }
    }

    private void stepFromPeer(Message m) {
        Progress pr = trk.progress(m.getFrom());
        if (pr == null) {
            return; // not (or no longer) a member
        }
        switch (m.getMsgType()) {
            case MsgAppendResponse -> onAppendResponse(m, pr);
            case MsgHeartbeatResponse -> onHeartbeatResponse(m, pr);
            case MsgSnapStatus -> onSnapStatus(m, pr);
            case MsgUnreachable -> {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe(); // appends in flight were probably lost
                }
            }
            case MsgTransferLeader -> onTransferLeader(m.getFrom(), pr);
            default -> {
                // MsgTimeoutNow, MsgReadIndexResp and the like mean nothing to a leader.
            }
        }
    }

    private void onAppendResponse(Message m, Progress pr) {
        pr.heardAt(lease.now());
        if (m.getReject()) {
            // Fast backtracking: jump over the follower's conflicting term instead of one index per round trip.
            long nextProbe = m.getRejectHint();
            if (m.getLogTerm() > 0) {
                nextProbe = log.findConflictByTerm(m.getRejectHint(), m.getLogTerm());
            }
            if (pr.maybeDecrTo(m.getIndex(), nextProbe)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.getFrom());
            }
            return;
        }
        if (m.getIndex() > log.lastIndex()) {
            return; // acknowledges what we never sent: a faulty peer
        }
        boolean oldPaused = pr.isPaused();
        boolean probeAcked = pr.match() == m.getIndex() && pr.state() == ProgressState.PROBE;
        if (!pr.maybeUpdate(m.getIndex()) && !probeAcked) {
            return; // stale
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                // The follower caught up (from the snapshot, or otherwise) to where our log can feed it.
                if (pr.match() + 1 >= log.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(m.getIndex());
        }
        if (maybeCommit()) {
            reads.releasePending();
            bcastAppend();
        } else if (oldPaused) {
            sendAppend(m.getFrom()); // it was paused: tell it our commit index, and whatever else it lacks
        }
        // Pipelining: fill the freed window.
        while (maybeSendAppend(m.getFrom(), false)) {
            // keep sending
        }
        if (m.getFrom() == leadTransferee && pr.match() == log.lastIndex()) {
            sendTimeoutNow(m.getFrom());
        }
    }

    private void onHeartbeatResponse(Message m, Progress pr) {
        pr.heardAt(lease.now());
        pr.unpause();
        if (pr.match() < log.lastIndex() || pr.state() == ProgressState.PROBE) {
            sendAppend(m.getFrom());
        }
        if (!m.getContext().isEmpty()) {
            reads.onHeartbeatAck(m.getFrom(), m.getContext());
        }
    }

    private void onSnapStatus(Message m, Progress pr) {
        if (pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (m.getReject()) {
            pr.snapshotFailed(); // probe again after the next heartbeat response
        } else {
            pr.snapshotDone(); // wait for the follower's append response before sending more
        }
    }

    private void onTransferLeader(long transferee, Progress pr) {
        if (pr.isLearner()) {
            return; // a learner cannot lead
        }
        if (leadTransferee != Raft.NONE) {
            if (leadTransferee == transferee) {
                return; // already under way
            }
            abortLeaderTransfer();
        }
        if (transferee == r.id) {
            return; // already leader
        }
        r.electionElapsed = 0; // the transfer times out after one election timeout
        leadTransferee = transferee;
        if (pr.match() == log.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee); // catch it up first; its append response triggers TimeoutNow
        }
    }

    private void sendTimeoutNow(long to) {
        // The transferee will campaign without waiting for anyone's lease to run out: ours ends here.
        lease.voidLease();
        r.send(Message.newBuilder().setMsgType(MessageType.MsgTimeoutNow).setTo(to));
    }

    void abortLeaderTransfer() {
        leadTransferee = Raft.NONE;
    }

    // ---- proposals ----------------------------------------------------------------------------------

    @Override
    public String propose(Message m) {
        if (m.getEntriesCount() == 0) {
            return "empty proposal";
        }
        if (!isVoter()) {
            return "leader " + r.id + " is no longer a voter; it is handing leadership over";
        }
        if (leadTransferee != Raft.NONE) {
            return "leadership transfer to " + leadTransferee + " in progress";
        }
        List<Entry> entries = new ArrayList<>(m.getEntriesCount());
        for (int i = 0; i < m.getEntriesCount(); i++) {
            Entry e = m.getEntries(i);
            if (ConfChanges.isConfChange(e)) {
                String refusal = confChangeRefusal(ConfChanges.decode(e));
                if (refusal != null) {
                    // Keep the batch's shape: the refused change becomes an empty entry (etcd does the same).
                    e = Entry.getDefaultInstance();
                } else {
                    pendingConfIndex = log.lastIndex() + i + 1;
                }
            }
            entries.add(e);
        }
        if (!appendEntries(entries)) {
            return "uncommitted entries would exceed maxUncommittedSize " + r.cfg.maxUncommittedSize();
        }
        bcastAppend();
        return null;
    }

    /** Why the leader refuses {@code cc} now, or null if it accepts it; see {@link ConfChangeChecks}. */
    String confChangeRefusal(ConfChangeV2 cc) {
        return checks.refusal(cc, pendingConfIndex);
    }

    /**
     * Joint config with auto-leave: once the change that entered it is applied, propose leaving it.
     * A leader that is only in the outgoing half may not leave (it would drop itself): it hands
     * leadership to the most up-to-date incoming voter instead, who then leaves.
     */
    void maybeAutoLeave() {
        if (!trk.config().autoLeave() || log.applied() < pendingConfIndex || leadTransferee != Raft.NONE) {
            return;
        }
        if (!trk.config().voters().incoming().contains(r.id)) {
            transferToMostUpToDate(trk.config().voters().incoming());
            return;
        }
        Message m = Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(r.id)
                .addEntries(ConfChanges.toEntry(ConfChangeV2.getDefaultInstance())).build();
        propose(m);
    }

    /** Appends entries of our term to our log; false if the uncommitted-size limit refuses them. */
    boolean appendEntries(List<Entry> entries) {
        long last = log.lastIndex();
        long size = 0;
        List<Entry> stamped = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            size += e.getData().size();
            stamped.add(e.toBuilder().setTerm(r.term).setIndex(last + 1 + i).build());
        }
        // A single proposal is always accepted when nothing is uncommitted, however large.
        if (uncommittedSize > 0 && size > 0 && uncommittedSize + size > r.cfg.maxUncommittedSize()) {
            return false;
        }
        uncommittedSize += size;
        last = log.append(stamped);
        lease.onAppend(last);
        // Our own entries count towards the quorum at once: Ready persists them before anything is sent.
        Progress self = trk.progress(r.id);
        if (self != null) {
            self.maybeUpdate(last);
        }
        maybeCommit();
        return true;
    }

    void reduceUncommittedSize(List<Entry> committed) {
        long size = 0;
        for (Entry e : committed) {
            size += e.getData().size();
        }
        // Entries of an earlier term were never counted: clamp at zero.
        uncommittedSize = Math.max(0, uncommittedSize - size);
    }

    /** Advances the commit index to what a quorum holds, if that entry is of our term (thesis §3.6.2). */
    boolean maybeCommit() {
        long quorumIndex = trk.committed();
        boolean changed = r.cfg.brokenRule() == BrokenRule.COMMIT_PREVIOUS_TERM_BY_COUNTING
                ? log.maybeCommitAnyTerm(quorumIndex)
                : log.maybeCommit(quorumIndex, r.term);
        if (changed) {
            lease.onCommit(log.committed());
        }
        return changed;
    }

    // ---- replication --------------------------------------------------------------------------------

    void bcastAppend() {
        trk.visit((id, pr) -> {
            if (id != r.id) {
                sendAppend(id);
            }
        });
    }

    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends {@code to} the entries it lacks (or a snapshot if they are compacted), up to
     * {@link RaftConfig#maxSizePerMsg()}. With {@code sendIfEmpty} false, sends nothing when there
     * are no entries. Returns whether a message went out.
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = trk.progress(to);
        if (pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = log.term(prevIndex);
        if (prevTerm == RaftLog.UNKNOWN_TERM) {
            return maybeSendSnapshot(to, pr);
        }
        List<Entry> ents = List.of();
        // With a full window only an empty append goes out, so that a lost window cannot stall replication.
        if (pr.state() != ProgressState.REPLICATE || !pr.inflights().full()) {
            ents = log.entriesFrom(pr.next(), r.cfg.maxSizePerMsg());
            if (ents == null) {
                return maybeSendSnapshot(to, pr);
            }
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        r.send(Message.newBuilder().setMsgType(MessageType.MsgAppend).setTo(to)
                .setIndex(prevIndex).setLogTerm(prevTerm).addAllEntries(ents).setCommit(log.committed()));
        pr.sentEntries(ents.size(), ents.isEmpty() ? prevIndex : ents.get(ents.size() - 1).getIndex());
        return true;
    }

    private boolean maybeSendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            return false; // do not ship a snapshot to a peer that may be down
        }
        Snapshot snap;
        try {
            snap = log.snapshot();
        } catch (StorageException.SnapshotTemporarilyUnavailable e) {
            return false; // asked again on the next heartbeat response
        }
        long index = snap.getMetadata().getIndex();
        if (index == 0) {
            throw new IllegalStateException("node " + r.id + ": log is compacted before " + pr.next()
                    + " but the storage has no snapshot");
        }
        pr.becomeSnapshot(index);
        r.send(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setTo(to).setSnapshot(snap));
        return true;
    }

    void bcastHeartbeat() {
        bcastHeartbeatWithContext(reads.lastPendingContext());
    }

    void bcastHeartbeatWithContext(ByteString ctx) {
        trk.visit((id, pr) -> {
            if (id == r.id) {
                return;
            }
            // Never tell a follower to commit past what it is known to hold: its log may differ beyond.
            Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setTo(id)
                    .setCommit(Math.min(pr.match(), log.committed()));
            if (ctx != null) {
                m.setContext(ctx);
            }
            r.send(m);
        });
    }

    /** Whether this leader is a voter of the configuration in force (incoming or outgoing). */
    boolean isVoter() {
        Progress self = trk.progress(r.id);
        return self != null && !self.isLearner();
    }

    /**
     * The membership changed while we lead: commit what the new quorum allows and feed new peers.
     *
     * <p>A leader the change removed or demoted does not step down at once. Changes take effect
     * when applied, so the remaining voters may not know yet that it is committed; if the old
     * leader simply left, it would hold the longest log while no longer allowed to campaign, and
     * they could not elect anyone. So it keeps leading, without accepting proposals, until it has
     * handed leadership to the most up-to-date remaining voter ({@link #handOverIfRemoved}).
     */
    void onConfigChanged() {
        if (!isVoter()) {
            lease.voidLease();
        }
        if (maybeCommit()) {
            reads.releasePending();
            bcastAppend();
        } else {
            trk.visit((id, pr) -> {
                if (id != r.id) {
                    maybeSendAppend(id, false);
                }
            });
        }
        if (leadTransferee != Raft.NONE && !trk.isVoter(leadTransferee)) {
            abortLeaderTransfer();
        }
        handOverIfRemoved();
    }

    /** A removed or demoted leader hands over to the remaining voter with the most of the log. */
    private void handOverIfRemoved() {
        if (isVoter() || leadTransferee != Raft.NONE) {
            return;
        }
        transferToMostUpToDate(trk.config().voters().incoming());
    }

    private void transferToMostUpToDate(MajorityConfig candidates) {
        long best = Raft.NONE;
        for (int i = 0; i < candidates.size(); i++) {
            long id = candidates.idAt(i);
            if (id != r.id && (best == Raft.NONE || trk.progress(id).match() > trk.progress(best).match())) {
                best = id;
            }
        }
        if (best != Raft.NONE) {
            onTransferLeader(best, trk.progress(best));
        }
    }

    @Override
    public String toString() {
        return "leader term " + r.term + " transferee=" + leadTransferee + " pendingConf=" + pendingConfIndex + " "
                + lease;
    }
}
