package io.kvasir.raft.core;

/** What a follower does with a proposal it receives. */
public enum FollowerProposals {
    /** Forward it to the leader it knows; drop it when it knows none. */
    FORWARD,
    /** Refuse it: {@link RawNode#propose} throws {@link ProposalDroppedException} naming the leader. */
    REJECT
}
