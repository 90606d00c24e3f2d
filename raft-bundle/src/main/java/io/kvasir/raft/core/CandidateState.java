package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.MessageType;

/**
 * The candidate and pre-candidate roles (etcd {@code stepCandidate}): count votes, give way to a
 * leader of this term, and after a won pre-vote start the real election.
 */
final class CandidateState implements RoleState {

    private final Raft r;
    private final boolean pre;

    CandidateState(Raft r, boolean pre) {
        this.r = r;
        this.pre = pre;
    }

    @Override
    public StateRole role() {
        return pre ? StateRole.PRE_CANDIDATE : StateRole.CANDIDATE;
    }

    @Override
    public void tick() {
        r.tickElection();
    }

    @Override
    public void step(Message m) {
        MessageType myVoteResponse = pre ? MessageType.MsgRequestPreVoteResponse : MessageType.MsgRequestVoteResponse;
        switch (m.getMsgType()) {
            case MsgAppend, MsgHeartbeat, MsgSnapshot -> {
                // A leader of our term exists (thesis §3.4): follow it, then let the follower handle this.
                r.becomeFollower(m.getTerm(), m.getFrom());
                r.role.step(m);
            }
            default -> {
                if (m.getMsgType() == myVoteResponse) {
                    onVote(m);
                }
                // MsgTimeoutNow and requests meant for a leader are ignored while campaigning.
            }
        }
    }

    private void onVote(Message m) {
        switch (r.poll(m.getFrom(), !m.getReject())) {
            case WON -> {
                if (pre) {
                    r.campaign(false, false);
                } else {
                    r.becomeLeader();
                    ((LeaderState) r.role).bcastAppend();
                }
            }
            case LOST -> r.becomeFollower(r.term, Raft.NONE); // a pre-candidate keeps its term
            case PENDING -> {
            }
        }
    }

    @Override
    public String propose(Message m) {
        return "no leader at term " + r.term + " (election in progress)";
    }
}
