package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeTransition;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random membership changes for the simulator, drawn against the proposer's view of the config:
 * add or remove learners and voters, promote and demote, and joint changes of several at once with
 * any transition. Some are refused (pending change, lost quorum, invalid): that is tested too.
 */
final class SimMembership {

    private SimMembership() {
    }

    /** A change proposed at node {@code self}, whose view of the membership is {@code cfg}. */
    static ConfChangeV2 randomChange(SplittableRandom random, TrackerConfig cfg, int pool, boolean jointHeavy, long self) {
        if (cfg.isJoint()) {
            // Mostly leave (needed for explicit joints); sometimes try something invalid.
            return random.nextInt(5) > 0 ? ConfChangeV2.getDefaultInstance() : single(random, cfg, pool);
        }
        if (jointHeavy && !cfg.learners().isEmpty() && random.nextInt(10) < 6) {
            return replace(random, cfg, self);
        }
        if (random.nextInt(10) < (jointHeavy ? 7 : 3)) {
            return joint(random, cfg, pool);
        }
        return single(random, cfg, pool);
    }

    /**
     * Swaps voters for learners in one joint change, so that the old and new majorities barely
     * overlap: the change most likely to expose a quorum rule broken during joint consensus.
     */
    private static ConfChangeV2 replace(SplittableRandom random, TrackerConfig cfg, long self) {
        ConfChangeV2.Builder b = ConfChangeV2.newBuilder()
                .setTransition(random.nextBoolean() ? ConfChangeTransition.Explicit : ConfChangeTransition.Auto);
        List<Long> out = new ArrayList<>();
        for (long id : cfg.voters().incoming().ids()) {
            if (id != self) {
                out.add(id);
            }
        }
        int n = 0;
        for (long id : cfg.learners()) {
            b.addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.AddNode).setNodeId(id));
            if (n < out.size()) {
                b.addChanges(ConfChangeSingle.newBuilder().setType(ConfChangeType.AddLearnerNode).setNodeId(out.get(n)));
                n++;
            }
        }
        return b.build();
    }

    private static ConfChangeV2 single(SplittableRandom random, TrackerConfig cfg, int pool) {
        ConfChangeSingle c = randomOp(random, cfg, pool, List.of());
        return ConfChangeV2.newBuilder().addChanges(c).build();
    }

    private static ConfChangeV2 joint(SplittableRandom random, TrackerConfig cfg, int pool) {
        ConfChangeV2.Builder b = ConfChangeV2.newBuilder();
        int n = 1 + random.nextInt(3);
        List<Long> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ConfChangeSingle c = randomOp(random, cfg, pool, used);
            used.add(c.getNodeId());
            b.addChanges(c);
        }
        b.setTransition(switch (random.nextInt(3)) {
            case 0 -> ConfChangeTransition.Auto;
            case 1 -> ConfChangeTransition.Implicit;
            default -> ConfChangeTransition.Explicit;
        });
        if (b.getChangesCount() == 1 && b.getTransition() == ConfChangeTransition.Auto) {
            b.setTransition(ConfChangeTransition.Implicit); // one change with Auto would be simple
        }
        return b.build();
    }

    private static ConfChangeSingle randomOp(SplittableRandom random, TrackerConfig cfg, int pool, List<Long> used) {
        long id = 1 + random.nextInt(pool);
        for (int tries = 0; tries < pool && used.contains(id); tries++) {
            id = id % pool + 1;
        }
        boolean voter = cfg.voters().incoming().contains(id);
        boolean learner = cfg.learners().contains(id);
        ConfChangeType type;
        if (voter) {
            type = random.nextBoolean() ? ConfChangeType.RemoveNode : ConfChangeType.AddLearnerNode;
        } else if (learner) {
            type = random.nextInt(3) > 0 ? ConfChangeType.AddNode : ConfChangeType.RemoveNode;
        } else {
            type = random.nextInt(3) > 0 ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode;
        }
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }
}
