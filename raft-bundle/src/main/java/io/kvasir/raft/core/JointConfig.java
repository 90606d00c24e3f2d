package io.kvasir.raft.core;

import java.util.Map;
import java.util.TreeSet;

/**
 * Two majority configs that must both agree: the incoming one and, during a joint change, the
 * outgoing one (thesis §4.3; etcd {@code quorum/joint.go}). A non-joint config has an empty
 * outgoing half. Immutable.
 */
final class JointConfig {

    static final JointConfig EMPTY = new JointConfig(MajorityConfig.EMPTY, MajorityConfig.EMPTY);

    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;

    JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
        this.incoming = incoming;
        this.outgoing = outgoing;
    }

    MajorityConfig incoming() {
        return incoming;
    }

    MajorityConfig outgoing() {
        return outgoing;
    }

    boolean isJoint() {
        return !outgoing.isEmpty();
    }

    boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** The union of both halves, sorted. */
    TreeSet<Long> ids() {
        TreeSet<Long> all = new TreeSet<>();
        for (long id : incoming.ids()) {
            all.add(id);
        }
        for (long id : outgoing.ids()) {
            all.add(id);
        }
        return all;
    }

    /** The highest index committed under both halves: the smaller of the two. */
    long committedIndex(MajorityConfig.AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** WON only if both halves won; LOST if either lost. */
    VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult in = incoming.voteResult(votes);
        VoteResult out = outgoing.voteResult(votes);
        if (in == out) {
            return in;
        }
        if (in == VoteResult.LOST || out == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JointConfig j && incoming.equals(j.incoming) && outgoing.equals(j.outgoing);
    }

    @Override
    public int hashCode() {
        return incoming.hashCode() * 31 + outgoing.hashCode();
    }

    /** {@code (1 2 3)} or, joint, {@code (1 2 3)&&(1 2 4)}. */
    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
