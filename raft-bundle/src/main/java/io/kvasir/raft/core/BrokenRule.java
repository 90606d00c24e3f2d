package io.kvasir.raft.core;

/**
 * Deliberately broken protocol rules, for tests only: a test switches one on through the
 * package-private {@link RaftConfig.Builder#brokenRuleForTesting} and expects the simulator to
 * catch the damage. Production configs always carry {@link #NONE}.
 */
enum BrokenRule {
    NONE,
    /** During a joint change, count election votes in the incoming config only (thesis §4.3 forbids it). */
    JOINT_VOTES_FROM_INCOMING_ONLY,
    /** Grant votes without the election restriction (thesis §3.6.1: candidate's log must be up to date). */
    VOTE_WITHOUT_LOG_CHECK,
    /** Commit an entry of an earlier term by counting replicas (thesis §3.6.2, figure 3.7). */
    COMMIT_PREVIOUS_TERM_BY_COUNTING
}
