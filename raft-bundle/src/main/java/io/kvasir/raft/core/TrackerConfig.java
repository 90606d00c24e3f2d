package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.ConfState;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A group's membership (etcd {@code tracker.Config}): the voters (joint during a change), the
 * learners, the learners-to-be that are still outgoing voters, and whether the joint state is left
 * automatically. Immutable; {@link Changer} makes new ones.
 *
 * <p>Invariants (checked by {@link Changer}): learners and voters are disjoint; every id in
 * {@code learnersNext} is an outgoing voter; outside a joint config {@code learnersNext} is empty
 * and {@code autoLeave} is false.
 */
final class TrackerConfig {

    static final TrackerConfig EMPTY =
            new TrackerConfig(JointConfig.EMPTY, Collections.emptySortedSet(), Collections.emptySortedSet(), false);

    private final JointConfig voters;
    private final SortedSet<Long> learners;
    private final SortedSet<Long> learnersNext;
    private final boolean autoLeave;

    TrackerConfig(JointConfig voters, SortedSet<Long> learners, SortedSet<Long> learnersNext, boolean autoLeave) {
        this.voters = voters;
        this.learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        this.learnersNext = Collections.unmodifiableSortedSet(new TreeSet<>(learnersNext));
        this.autoLeave = autoLeave;
    }

    JointConfig voters() {
        return voters;
    }

    SortedSet<Long> learners() {
        return learners;
    }

    SortedSet<Long> learnersNext() {
        return learnersNext;
    }

    boolean autoLeave() {
        return autoLeave;
    }

    boolean isJoint() {
        return voters.isJoint();
    }

    ConfState toConfState() {
        ConfState.Builder cs = ConfState.newBuilder();
        for (long id : voters.incoming().ids()) {
            cs.addVoters(id);
        }
        for (long id : voters.outgoing().ids()) {
            cs.addVotersOutgoing(id);
        }
        cs.addAllLearners(learners);
        cs.addAllLearnersNext(learnersNext);
        cs.setAutoLeave(autoLeave);
        return cs.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackerConfig c && voters.equals(c.voters) && learners.equals(c.learners)
                && learnersNext.equals(c.learnersNext) && autoLeave == c.autoLeave;
    }

    @Override
    public int hashCode() {
        return voters.hashCode() ^ learners.hashCode() ^ learnersNext.hashCode();
    }

    /** {@code voters=(1 2 3)&&(1 2) learners=(4) learners_next=(3) autoleave}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("voters=").append(voters);
        if (!learners.isEmpty()) {
            sb.append(" learners=").append(MajorityConfig.of(learners));
        }
        if (!learnersNext.isEmpty()) {
            sb.append(" learners_next=").append(MajorityConfig.of(learnersNext));
        }
        if (autoLeave) {
            sb.append(" autoleave");
        }
        return sb.toString();
    }
}
