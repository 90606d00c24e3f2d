package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes membership changes (etcd {@code confchange/confchange.go}) without touching the live
 * tracker: each method returns a new config and progress map, or throws
 * {@link ConfChangeRefusedException} with the reason and changes nothing.
 *
 * <p>Three moves: {@link #simple} changes at most one voter at a time; {@link #enterJoint} makes
 * the current voters the outgoing half and applies the changes to the incoming half, so any change
 * is safe (thesis §4.3); {@link #leaveJoint} drops the outgoing half and turns the
 * learners-to-be into learners.
 */
final class Changer {

    /** A config and its progress map. */
    record Result(TrackerConfig config, TreeMap<Long, Progress> progress) {}

    private final TrackerConfig config;
    private final Map<Long, Progress> progress;
    private final long lastIndex;
    private final int maxInflight;

    /**
     * @param lastIndex the log's last index: a new peer starts probing there
     */
    Changer(TrackerConfig config, Map<Long, Progress> progress, long lastIndex, int maxInflight) {
        this.config = config;
        this.progress = progress;
        this.lastIndex = lastIndex;
        this.maxInflight = maxInflight;
    }

    /** Enters a joint config: the current voters become the outgoing half, {@code changes} shape the incoming. */
    Result enterJoint(boolean autoLeave, List<ConfChangeSingle> changes) {
        if (config.isJoint()) {
            throw refuse("config is already joint");
        }
        if (config.voters().incoming().isEmpty()) {
            throw refuse("can't make a zero-voter config joint");
        }
        Builder b = new Builder(config, progress);
        b.outgoing = new TreeSet<>(b.incoming);
        b.apply(changes);
        b.autoLeave = autoLeave;
        return b.checkAndBuild();
    }

    /** Leaves the joint config: the incoming half alone decides; learners-to-be become learners. */
    Result leaveJoint() {
        if (!config.isJoint()) {
            throw refuse("can't leave a non-joint config");
        }
        Builder b = new Builder(config, progress);
        for (long id : b.learnersNext) {
            b.learners.add(id);
            b.progress.get(id).setLearner(true);
        }
        b.learnersNext.clear();
        for (long id : b.outgoing) {
            if (!b.incoming.contains(id) && !b.learners.contains(id)) {
                b.progress.remove(id);
            }
        }
        b.outgoing.clear();
        b.autoLeave = false;
        return b.checkAndBuild();
    }

    /** Applies changes that alter at most one voter, without a joint config. */
    Result simple(List<ConfChangeSingle> changes) {
        if (config.isJoint()) {
            throw refuse("can't apply simple config change in joint config");
        }
        Builder b = new Builder(config, progress);
        b.apply(changes);
        TreeSet<Long> before = new TreeSet<>();
        for (long id : config.voters().incoming().ids()) {
            before.add(id);
        }
        int changed = symmetricDifference(before, b.incoming);
        if (changed > 1) {
            throw refuse("more than one voter changed without entering joint config");
        }
        return b.checkAndBuild();
    }

    /**
     * The config and progress a node starts from when it knows only a {@link ConfState} (from its
     * storage or a snapshot), built by replaying it as changes (etcd {@code confchange/restore.go}).
     */
    static Result restore(ConfState cs, long lastIndex, int maxInflight) {
        List<ConfChangeSingle> outgoing = new ArrayList<>();
        List<ConfChangeSingle> incoming = new ArrayList<>();
        for (long id : cs.getVotersOutgoingList()) {
            outgoing.add(single(ConfChangeType.AddNode, id));
        }
        for (long id : cs.getVotersOutgoingList()) {
            incoming.add(single(ConfChangeType.RemoveNode, id));
        }
        for (long id : cs.getVotersList()) {
            incoming.add(single(ConfChangeType.AddNode, id));
        }
        for (long id : cs.getLearnersList()) {
            incoming.add(single(ConfChangeType.AddLearnerNode, id));
        }
        for (long id : cs.getLearnersNextList()) {
            incoming.add(single(ConfChangeType.AddLearnerNode, id));
        }
        Result r = new Result(TrackerConfig.EMPTY, new TreeMap<>());
        if (outgoing.isEmpty()) {
            for (ConfChangeSingle cc : incoming) {
                r = new Changer(r.config(), r.progress(), lastIndex, maxInflight).simple(List.of(cc));
            }
            return r;
        }
        // Make the outgoing voters the (simple) incoming config, then enter the joint config from there:
        // (1 2 3)&&(2 3 4) is built as (2 3 4), then enter-joint removing 2 3 4 and adding 1 2 3.
        for (ConfChangeSingle cc : outgoing) {
            r = new Changer(r.config(), r.progress(), lastIndex, maxInflight).simple(List.of(cc));
        }
        return new Changer(r.config(), r.progress(), lastIndex, maxInflight).enterJoint(cs.getAutoLeave(), incoming);
    }

    static ConfChangeSingle single(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private static int symmetricDifference(TreeSet<Long> a, TreeSet<Long> b) {
        int n = 0;
        for (long id : a) {
            if (!b.contains(id)) {
                n++;
            }
        }
        for (long id : b) {
            if (!a.contains(id)) {
                n++;
            }
        }
        return n;
    }

    private static ConfChangeRefusedException refuse(String reason) {
        return new ConfChangeRefusedException(reason);
    }

    /** A mutable copy of a config and its progress; progresses are copied, so refusing leaves the live ones alone. */
    private final class Builder {
        final TreeSet<Long> incoming = new TreeSet<>();
        TreeSet<Long> outgoing = new TreeSet<>();
        final TreeSet<Long> learners;
        final TreeSet<Long> learnersNext;
        boolean autoLeave;
        final TreeMap<Long, Progress> progress = new TreeMap<>();

        Builder(TrackerConfig cfg, Map<Long, Progress> live) {
            for (long id : cfg.voters().incoming().ids()) {
                incoming.add(id);
            }
            for (long id : cfg.voters().outgoing().ids()) {
                outgoing.add(id);
            }
            learners = new TreeSet<>(cfg.learners());
            learnersNext = new TreeSet<>(cfg.learnersNext());
            autoLeave = cfg.autoLeave();
            live.forEach((id, pr) -> progress.put(id, pr.copy()));
        }

        void apply(List<ConfChangeSingle> changes) {
            for (ConfChangeSingle cc : changes) {
                long id = cc.getNodeId();
                if (id == 0) {
                    continue; // etcd treats a zero id as a no-op
                }
                switch (cc.getType()) {
                    case AddNode -> makeVoter(id);
                    case AddLearnerNode -> makeLearner(id);
                    case RemoveNode -> remove(id);
                    default -> throw refuse("unknown change type " + cc.getTypeValue() + " for node " + id);
                }
            }
            if (incoming.isEmpty()) {
                throw refuse("removed all voters");
            }
        }

        private void makeVoter(long id) {
            Progress pr = progress.get(id);
            if (pr == null) {
                initProgress(id, false);
                return;
            }
            pr.setLearner(false);
            learners.remove(id);
            learnersNext.remove(id);
            incoming.add(id);
        }

        /**
         * A voter of the outgoing half cannot become a learner at once: it stays a voter there and
         * is staged in learnersNext until the joint config is left.
         */
        private void makeLearner(long id) {
            Progress pr = progress.get(id);
            if (pr == null) {
                initProgress(id, true);
                return;
            }
            if (pr.isLearner()) {
                return;
            }
            remove(id);
            progress.put(id, pr); // remove() may have dropped it; it stays a peer
            if (outgoing.contains(id)) {
                learnersNext.add(id);
            } else {
                pr.setLearner(true);
                learners.add(id);
            }
        }

        private void remove(long id) {
            if (!progress.containsKey(id)) {
                return;
            }
            incoming.remove(id);
            learners.remove(id);
            learnersNext.remove(id);
            if (!outgoing.contains(id)) {
                progress.remove(id);
            }
        }

        private void initProgress(long id, boolean learner) {
            if (learner) {
                learners.add(id);
            } else {
                incoming.add(id);
            }
            // Probe from the last index: the first append carries the newest entry and backtracks from there.
            Progress pr = new Progress(0, Math.max(lastIndex, 1), maxInflight, learner);
            // A new peer counts as active, or check-quorum would depose the leader right after adding it.
            pr.setRecentActive(true);
            progress.put(id, pr);
        }

        Result checkAndBuild() {
            for (long id : incoming) {
                requireProgress(id, "voter");
            }
            for (long id : outgoing) {
                requireProgress(id, "outgoing voter");
            }
            for (long id : learners) {
                requireProgress(id, "learner");
                if (incoming.contains(id) || outgoing.contains(id)) {
                    throw new IllegalStateException(id + " is both a learner and a voter");
                }
                if (!progress.get(id).isLearner()) {
                    throw new IllegalStateException(id + " is in learners but its progress is not a learner's");
                }
            }
            for (long id : learnersNext) {
                requireProgress(id, "learner-next");
                if (!outgoing.contains(id)) {
                    throw new IllegalStateException(id + " is in learners_next but not an outgoing voter");
                }
                if (progress.get(id).isLearner()) {
                    throw new IllegalStateException(id + " is in learners_next but its progress is already a learner's");
                }
            }
            if (outgoing.isEmpty()) {
                if (!learnersNext.isEmpty()) {
                    throw new IllegalStateException("learners_next " + learnersNext + " outside a joint config");
                }
                if (autoLeave) {
                    throw new IllegalStateException("autoLeave set outside a joint config");
                }
            }
            TrackerConfig cfg = new TrackerConfig(
                    new JointConfig(MajorityConfig.of(incoming), MajorityConfig.of(outgoing)),
                    learners, learnersNext, autoLeave);
            return new Result(cfg, progress);
        }

        private void requireProgress(long id, String what) {
            if (!progress.containsKey(id)) {
                throw new IllegalStateException("no progress for " + what + " " + id);
            }
        }
    }
}
