package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a leader answers read requests (thesis §6.4): with ReadIndex — record the commit index,
 * confirm leadership by a heartbeat round a quorum acknowledges, answer — or, with
 * {@link ReadOnlyOption#LEASE_BASED} and a valid {@link LeaderLease}, at once. A request that
 * arrives before the leader has committed an entry of its own term waits for one: until then the
 * leader does not know the true commit index.
 */
final class LeaderReads {

    private final Raft r;
    private final LeaderState leader;
    private final LeaderLease lease;
    private final ReadOnly readOnly = new ReadOnly();
    /** Requests waiting for the first commit of this term. */
    private final List<Message> waitingForCommit = new ArrayList<>();

    LeaderReads(Raft r, LeaderState leader, LeaderLease lease) {
        this.r = r;
        this.leader = leader;
        this.lease = lease;
    }

    void onReadIndex(Message m) {
        if (r.trk.isSingleton() && r.trk.isVoter(r.id)) {
            lease.holdAlone();
            respond(m, r.raftLog.committed()); // nobody else can be leader
            return;
        }
        if (!committedEntryInCurrentTerm()) {
            waitingForCommit.add(m);
            return;
        }
        confirm(m);
    }

    private boolean committedEntryInCurrentTerm() {
        return r.raftLog.term(r.raftLog.committed()) == r.term;
    }

    private void confirm(Message m) {
        long index = r.raftLog.committed();
        if (r.cfg.readOnlyOption() == ReadOnlyOption.LEASE_BASED && lease.valid()) {
            respond(m, index);
            return;
        }
        // ReadIndex, which also renews the lease when the round completes.
        ByteString ctx = m.getEntries(0).getData();
        readOnly.addRequest(index, m, lease.now());
        readOnly.recvAck(r.id, ctx);
        leader.bcastHeartbeatWithContext(ctx);
    }

    /** The first entry of this term committed: answer the requests that waited for it. */
    void releasePending() {
        if (waitingForCommit.isEmpty() || !committedEntryInCurrentTerm()) {
            return;
        }
        List<Message> waiting = new ArrayList<>(waitingForCommit);
        waitingForCommit.clear();
        for (Message m : waiting) {
            confirm(m);
        }
    }

    /** {@code from} acknowledged a heartbeat carrying {@code ctx}. */
    void onHeartbeatAck(long from, ByteString ctx) {
        Map<Long, Boolean> acks = readOnly.recvAck(from, ctx);
        if (acks == null || r.trk.config().voters().voteResult(acks) != VoteResult.WON) {
            return;
        }
        List<ReadOnly.Status> done = readOnly.advance(ctx);
        if (done.isEmpty()) {
            return;
        }
        // A quorum heard heartbeats sent after this request arrived: leadership confirmed since then.
        lease.onQuorumHeard(done.get(done.size() - 1).startTick);
        for (ReadOnly.Status s : done) {
            respond(s.request, s.index);
        }
    }

    ByteString lastPendingContext() {
        return readOnly.lastPendingRequestCtx();
    }

    private void respond(Message req, long index) {
        if (req.getFrom() == Raft.NONE || req.getFrom() == r.id) {
            r.readStates.add(new ReadState(index, req.getEntries(0).getData()));
            return;
        }
        r.send(Message.newBuilder().setMsgType(MessageType.MsgReadIndexResp).setTo(req.getFrom())
                .setIndex(index).addAllEntries(req.getEntriesList()));
    }
}
