package io.kvasir.raft.core;

/**
 * A proposal (or membership change) was not taken: there is no leader, this follower rejects
 * proposals, a transfer is under way, the uncommitted budget is spent, or this node is no longer a
 * member. Retrying later, or at {@link #leaderId()}, may succeed. Nothing was appended.
 */
public final class ProposalDroppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long leaderId;

    public ProposalDroppedException(String reason, long leaderId) {
        super(reason);
        this.leaderId = leaderId;
    }

    /** The leader this node knows, or 0. */
    public long leaderId() {
        return leaderId;
    }
}
