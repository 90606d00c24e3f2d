package io.kvasir.raft.core;

import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The membership in force plus the leader's per-peer {@link Progress} and a candidate's votes
 * (etcd {@code tracker/tracker.go}).
 *
 * <p>Invariant: there is a progress for every voter and learner of the config, and for nobody else.
 */
final class ProgressTracker {

    private final int maxInflight;
    private final BrokenRule brokenRule;
    private TrackerConfig config = TrackerConfig.EMPTY;
    private TreeMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new HashMap<>();

    ProgressTracker(int maxInflight, BrokenRule brokenRule) {
        this.maxInflight = maxInflight;
        this.brokenRule = brokenRule;
    }

    int maxInflight() {
        return maxInflight;
    }

    TrackerConfig config() {
        return config;
    }

    /** The progress map (sorted by id); callers outside this package's change logic only read it. */
    SortedMap<Long, Progress> progress() {
        return progress;
    }

    Progress progress(long id) {
        return progress.get(id);
    }

    /** Switches to a config and progress map produced by {@link Changer}. */
    void apply(Changer.Result result) {
        this.config = result.config();
        this.progress = result.progress();
        checkInvariants();
    }

    /**
     * Fresh progress for every peer after a role change: nothing known to match, probing from the
     * end of our log. This node itself matches its whole log.
     */
    void resetProgress(long lastIndex, long selfId) {
        progress.replaceAll((id, pr) ->
                new Progress(id == selfId ? lastIndex : 0, lastIndex + 1, maxInflight, pr.isLearner()));
    }

    /** Visits every peer (voters and learners) in ascending id order. */
    void visit(BiConsumer<Long, Progress> visitor) {
        progress.forEach(visitor);
    }

    /** The highest index a quorum has (thesis §3.6.2; joint: both halves, §4.3). */
    long committed() {
        return config.voters().committedIndex(id -> {
            Progress pr = progress.get(id);
            return pr == null ? 0 : pr.match();
        });
    }

    /** A single voter and no joint config: that voter decides alone. */
    boolean isSingleton() {
        return config.voters().incoming().size() == 1 && !config.isJoint();
    }

    /** Whether a quorum was recently active (check-quorum, thesis §6.2). */
    boolean quorumActive() {
        Map<Long, Boolean> active = new HashMap<>();
        progress.forEach((id, pr) -> {
            if (!pr.isLearner()) {
                active.put(id, pr.recentActive());
            }
        });
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    boolean isVoter(long id) {
        return config.voters().contains(id);
    }

    void resetVotes() {
        votes.clear();
    }

    /** Records {@code id}'s vote; only the first vote of each voter counts. */
    void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    /** The election result so far. */
    VoteResult tallyVotes() {
        if (brokenRule == BrokenRule.JOINT_VOTES_FROM_INCOMING_ONLY) {
            return config.voters().incoming().voteResult(votes); // deliberately wrong, tests only
        }
        return config.voters().voteResult(votes);
    }

    /** Granted and rejected counts among current voters, for status and tests. */
    int[] voteCounts() {
        int granted = 0;
        int rejected = 0;
        for (Map.Entry<Long, Boolean> e : votes.entrySet()) {
            if (!isVoter(e.getKey())) {
                continue;
            }
            if (e.getValue()) {
                granted++;
            } else {
                rejected++;
            }
        }
        return new int[] {granted, rejected};
    }

    private void checkInvariants() {
        for (long id : config.voters().ids()) {
            if (!progress.containsKey(id)) {
                throw new IllegalStateException("voter " + id + " has no progress; config " + config);
            }
        }
        for (long id : config.learners()) {
            if (!progress.containsKey(id)) {
                throw new IllegalStateException("learner " + id + " has no progress; config " + config);
            }
        }
        for (long id : progress.keySet()) {
            if (!config.voters().contains(id) && !config.learners().contains(id)) {
                throw new IllegalStateException("progress for " + id + " who is not a member; config " + config);
            }
        }
    }
}
