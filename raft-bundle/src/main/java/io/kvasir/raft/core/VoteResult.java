package io.kvasir.raft.core;

/** The outcome of counting votes (or acknowledgements) in a configuration. */
public enum VoteResult {
    /** Not decided: the missing votes could still swing it. */
    PENDING,
    /** A quorum can no longer be reached. */
    LOST,
    /** A quorum said yes. */
    WON
}
