package io.kvasir.raft.core;

/**
 * A membership change that cannot be made, with the reason: it is invalid (would leave no voter,
 * changes more than one voter without joint consensus, leaves a joint config that is not there),
 * another change is still pending, or it would leave the leader without a quorum of live voters.
 * Nothing changed.
 */
public final class ConfChangeRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfChangeRefusedException(String reason) {
        super(reason);
    }

    /** The reason, for the caller to report. */
    public String reason() {
        return getMessage();
    }
}
