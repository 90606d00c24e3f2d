package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Membership changes computed by {@link Changer}: data-driven scripts in
 * {@code testdata/confchange/*.txt} (etcd {@code confchange/testdata}), and a restore round trip.
 *
 * <p>Commands: {@code simple}, {@code enter-joint [autoleave=true]}, {@code leave-joint}, with
 * changes {@code v<id>} (make voter), {@code l<id>} (make learner), {@code r<id>} (remove). Each
 * command advances a fake last index, so a new peer's {@code next} shows when it was added.
 */
class ChangerTest {

    @TestFactory
    Stream<DynamicNode> scripts() {
        return DataDriven.run("confchange", Session::new);
    }

    private static final class Session implements Function<DataDriven.Command, String> {
        private TrackerConfig config = TrackerConfig.EMPTY;
        private TreeMap<Long, Progress> progress = new TreeMap<>();
        private long lastIndex;

        @Override
        public String apply(DataDriven.Command c) {
            lastIndex++;
            Changer changer = new Changer(config, progress, lastIndex, 8);
            List<ConfChangeSingle> changes = new ArrayList<>();
            for (String a : c.args()) {
                if (a.contains("=")) {
                    continue;
                }
                ConfChangeType type = switch (a.charAt(0)) {
                    case 'v' -> ConfChangeType.AddNode;
                    case 'l' -> ConfChangeType.AddLearnerNode;
                    case 'r' -> ConfChangeType.RemoveNode;
                    default -> throw new IllegalArgumentException("bad change " + a);
                };
                changes.add(Changer.single(type, Long.parseLong(a.substring(1))));
            }
            Changer.Result result;
            try {
                result = switch (c.name()) {
                    case "simple" -> changer.simple(changes);
                    case "enter-joint" -> changer.enterJoint("true".equals(c.arg("autoleave")), changes);
                    case "leave-joint" -> changer.leaveJoint();
                    default -> throw new IllegalArgumentException("unknown command " + c.name());
                };
            } catch (ConfChangeRefusedException e) {
                return "refused: " + e.reason();
            }
            config = result.config();
            progress = result.progress();
            StringBuilder sb = new StringBuilder(config.toString());
            progress.forEach((id, pr) -> sb.append('\n').append(id).append(": ").append(pr));
            return sb.toString();
        }
    }

    @Test
    void restoringAConfStateRebuildsTheSameConfig() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 2_000; round++) {
            ConfState cs = randomConfState(random);
            Changer.Result r = Changer.restore(cs, 10, 8);
            assertEquals(normalize(cs), normalize(r.config().toConfState()), "restoring " + Describe.confState(cs));
        }
    }

    @Test
    void restoringAConfigWithoutVotersIsRefused() {
        ConfState learnersOnly = ConfState.newBuilder().addLearners(1).build();
        ConfChangeRefusedException e = assertThrows(ConfChangeRefusedException.class,
                () -> Changer.restore(learnersOnly, 0, 8));
        assertEquals("removed all voters", e.reason());
    }

    private static ConfState randomConfState(SplittableRandom random) {
        ConfState.Builder cs = ConfState.newBuilder();
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 8; id++) {
            ids.add(id);
        }
        java.util.Collections.shuffle(ids, new java.util.Random(random.nextLong()));
        int voters = 1 + random.nextInt(4);
        int learners = random.nextInt(3);
        boolean joint = random.nextBoolean();
        int at = 0;
        for (int i = 0; i < voters; i++) {
            cs.addVoters(ids.get(at++));
        }
        for (int i = 0; i < learners; i++) {
            cs.addLearners(ids.get(at++));
        }
        if (joint) {
            // Outgoing voters: some incoming voters, some fresh, and maybe one demoted (learners_next).
            cs.addVotersOutgoing(cs.getVoters(0));
            cs.addVotersOutgoing(ids.get(at++));
            if (random.nextBoolean()) {
                long demoted = ids.get(at++);
                cs.addVotersOutgoing(demoted);
                cs.addLearnersNext(demoted);
            }
            cs.setAutoLeave(random.nextBoolean());
        }
        return cs.build();
    }

    private static String normalize(ConfState cs) {
        return "v" + sorted(cs.getVotersList()) + " o" + sorted(cs.getVotersOutgoingList()) + " l"
                + sorted(cs.getLearnersList()) + " n" + sorted(cs.getLearnersNextList()) + " a" + cs.getAutoLeave();
    }

    private static List<Long> sorted(List<Long> l) {
        return l.stream().sorted().toList();
    }
}
