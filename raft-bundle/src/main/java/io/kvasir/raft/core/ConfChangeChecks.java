package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.ConfChangeV2;

/**
 * The checks a leader makes before it appends a membership change (etcd's checks in
 * {@code stepLeader}, plus TiKV's refusals to lose quorum or drop the leader). Each refusal is a
 * sentence the operator can act on.
 */
final class ConfChangeChecks {

    private final Raft r;
    private final LeaderLease lease;

    ConfChangeChecks(Raft r, LeaderLease lease) {
        this.r = r;
        this.lease = lease;
    }

    /**
     * Why the leader refuses {@code cc} now, or null if it accepts it: another change is pending, it
     * does not fit the joint state, {@link Changer} finds it invalid, or the voters it leaves could
     * not form a quorum from the peers heard from within an election timeout.
     */
    String refusal(ConfChangeV2 cc, long pendingConfIndex) {
        if (cc == null) {
            return "conf change entry does not parse";
        }
        if (pendingConfIndex > r.raftLog.applied()) {
            return "possible unapplied conf change at index " + pendingConfIndex + " (applied to " + r.raftLog.applied() + ")";
        }
        boolean joint = r.trk.config().isJoint();
        boolean leave = ConfChanges.leavesJoint(cc);
        if (cc.getChangesCount() == 0 && !leave) {
            return "an empty conf change must use the Auto transition (it leaves the joint config)";
        }
        if (joint && !leave) {
            return "must transition out of joint config " + r.trk.config().voters() + " first";
        }
        if (!joint && leave) {
            return "not in a joint config; refusing empty conf change";
        }
        if (leave) {
            // Leaving cannot make quorum harder (the incoming half already had to agree), but it must
            // not drop the leader: see below.
            return r.trk.config().voters().incoming().contains(r.id) ? null : selfRemovalRefusal();
        }
        Changer changer = new Changer(r.trk.config(), r.trk.progress(), r.raftLog.lastIndex(), r.trk.maxInflight());
        Changer.Result result;
        try {
            result = ConfChanges.entersJoint(cc)
                    ? changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList())
                    : changer.simple(cc.getChangesList());
        } catch (ConfChangeRefusedException e) {
            return e.reason();
        }
        JointConfig after = result.config().voters();
        if (!after.incoming().contains(r.id)) {
            return selfRemovalRefusal();
        }
        if (after.equals(r.trk.config().voters())) {
            return null; // only learners change
        }
        String refusal = quorumRefusal("incoming", after.incoming());
        return refusal != null ? refusal : quorumRefusal("outgoing", after.outgoing());
    }

    /**
     * A leader may not remove or demote itself (TiKV refuses the same). Changes take effect when
     * applied, so the voters of the new config may not yet know it is committed; if the old leader
     * then holds the longest log but may no longer campaign, they cannot elect anyone until it
     * returns. Transferring leadership first avoids that.
     */
    private String selfRemovalRefusal() {
        return "would remove or demote the leader " + r.id + "; transfer leadership first";
    }

    private String quorumRefusal(String half, MajorityConfig voters) {
        if (voters.isEmpty()) {
            return null;
        }
        int active = 0;
        StringBuilder activeIds = new StringBuilder();
        for (int i = 0; i < voters.size(); i++) {
            long id = voters.idAt(i);
            Progress pr = r.trk.progress(id);
            if (id == r.id || (pr != null && pr.heardWithin(lease.now(), r.cfg.electionTick()))) {
                active++;
                activeIds.append(activeIds.length() == 0 ? "" : " ").append(id);
            }
        }
        int quorum = voters.size() / 2 + 1;
        if (active < quorum) {
            return "would lose quorum: " + half + " voters " + voters + " need " + quorum + " active but only "
                    + active + " (" + activeIds + ") were heard from within the election timeout";
        }
        return null;
    }
}
