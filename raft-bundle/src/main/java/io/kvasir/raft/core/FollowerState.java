package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;

/**
 * The follower role (etcd {@code stepFollower}, {@code handleAppendEntries}, {@code handleHeartbeat},
 * {@code handleSnapshot}): accept the leader's log, forward what only the leader can do, and
 * campaign when the leader goes quiet or orders a transfer.
 */
@PerformanceCriticalPath
final class FollowerState implements RoleState {

    private final Raft r;

    FollowerState(Raft r) {
        this.r = r;
    }

    @Override
    public StateRole role() {
        return StateRole.FOLLOWER;
    }

    @Override
    public void tick() {
        r.tickElection();
    }

    @Override
    public void step(Message m) {
        switch (m.getMsgType()) {
            case MsgAppend -> {
                r.heardFromLeader(m.getFrom());
                handleAppendEntries(m);
            }
            case MsgHeartbeat -> {
                r.heardFromLeader(m.getFrom());
                handleHeartbeat(m);
            }
            case MsgSnapshot -> {
                r.heardFromLeader(m.getFrom());
                handleSnapshot(m);
            }
            case MsgTransferLeader, MsgReadIndex -> {
                if (r.lead != Raft.NONE) {
                    r.send(m.toBuilder().setTo(r.lead)); // the leader decides; dropped when there is none
                }
            }
            case MsgTimeoutNow -> r.hup(true); // the leader hands over: campaign now, past leases and pre-vote
            case MsgReadIndexResp -> {
                if (m.getEntriesCount() == 1) {
                    r.readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData()));
                }
            }
            default -> {
                // Responses meant for a leader or candidate we no longer are.
            }
        }
    }

    @Override
    public String propose(Message m) {
        if (r.lead == Raft.NONE) {
            return "no leader at term " + r.term;
        }
        if (r.cfg.followerProposals() == FollowerProposals.REJECT) {
            return "not the leader; the leader is " + r.lead;
        }
        r.send(m.toBuilder().setTo(r.lead));
        return null;
    }

    /** Thesis §3.5: append if our log matches at the leader's previous index, else reject with a hint. */
    private void handleAppendEntries(Message m) {
        RaftLog log = r.raftLog;
        if (m.getIndex() < log.committed()) {
            // Everything up to our commit index is settled: say where we are.
            reply(m, log.committed());
            return;
        }
        long lastNew = log.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
        if (lastNew >= 0) {
            reply(m, lastNew);
            return;
        }
        if (lastNew == RaftLog.APPEND_CONFLICTS_WITH_COMMITTED) {
            return; // only a faulty peer asks to overwrite committed entries: ignore it
        }
        // Hint the largest index at or below the leader's probe whose term is at most the leader's
        // term there: the leader can skip every index in between (etcd's fast backtracking).
        long hintIndex = log.findConflictByTerm(Math.min(m.getIndex(), log.lastIndex()), m.getLogTerm());
        long hintTerm = log.term(hintIndex);
        r.send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                .setIndex(m.getIndex()).setReject(true).setRejectHint(hintIndex)
                .setLogTerm(hintTerm == RaftLog.UNKNOWN_TERM ? 0 : hintTerm));
    }

    private void handleHeartbeat(Message m) {
        // The leader sends at most what we are known to hold; clamp anyway against a faulty peer.
        r.raftLog.commitTo(Math.min(m.getCommit(), r.raftLog.lastIndex()));
        r.send(Message.newBuilder().setMsgType(MessageType.MsgHeartbeatResponse).setTo(m.getFrom())
                .setContext(m.getContext()));
    }

    private void handleSnapshot(Message m) {
        if (r.restore(m.getSnapshot())) {
            reply(m, r.raftLog.lastIndex());
        } else {
            reply(m, r.raftLog.committed());
        }
    }

    private void reply(Message m, long index) {
        r.send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()).setIndex(index));
    }
}
