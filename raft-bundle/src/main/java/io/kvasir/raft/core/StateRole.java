package io.kvasir.raft.core;

/**
 * A node's role, and the only transitions allowed between roles (STYLE rule 3; etcd
 * {@code becomeFollower/becomePreCandidate/becomeCandidate/becomeLeader}). {@link Raft} is the one
 * owner of transitions and throws {@link IllegalStateException} on any other.
 *
 * <pre>
 *   from \ to       FOLLOWER  PRE_CANDIDATE  CANDIDATE  LEADER
 *   (start)            yes         -             -         -
 *   FOLLOWER           yes        yes           yes        -     (candidate directly: leadership transfer, or pre-vote off)
 *   PRE_CANDIDATE      yes        yes           yes        -     (pre-vote won: real election)
 *   CANDIDATE          yes        yes           yes       yes    (election won)
 *   LEADER             yes         -             -         -     (newer term, lost quorum, removed)
 * </pre>
 */
public enum StateRole {
    FOLLOWER,
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER;

    /** Whether a node in this role may become {@code next}. */
    boolean canBecome(StateRole next) {
        return switch (this) {
            case FOLLOWER, PRE_CANDIDATE -> next != LEADER;
            case CANDIDATE -> true;
            case LEADER -> next == FOLLOWER;
        };
    }
}
