package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulator must catch a deliberately broken protocol rule: run it against a variant with one
 * rule broken (switched on through the test-only {@link RaftConfig.Builder#brokenRuleForTesting})
 * and expect a safety violation within a bounded number of seeds. If this test fails, the
 * simulator has gone blind to that class of bug.
 *
 * <p>{@link BrokenRule#COMMIT_PREVIOUS_TERM_BY_COUNTING} is not here: the interleaving that turns it
 * into a lost entry (thesis figure 3.7: three leaders and two crashes in a precise order) is too
 * rare for a random schedule, so {@code ReplicationTest} pins the rule down directly.
 */
class BrokenRuleSimulationTest {

    private static final int MAX_SEEDS = 2000;

    @ParameterizedTest
    @EnumSource(value = BrokenRule.class, names = {"JOINT_VOTES_FROM_INCOMING_ONLY", "VOTE_WITHOUT_LOG_CHECK"})
    void theSimulatorCatchesTheBrokenRule(BrokenRule rule) {
        Simulator.Failure caught = null;
        int seed = 1;
        for (; seed <= MAX_SEEDS && caught == null; seed++) {
            for (int nodes : new int[] {3, 5}) {
                Simulator.Options opt = Simulator.Options.of(nodes, 500).withBrokenRule(rule).withJointHeavy();
                try {
                    new Simulator(seed, opt).run();
                } catch (Simulator.Failure f) {
                    caught = f;
                    break;
                }
            }
        }
        assertNotNull(caught, "no seed up to " + MAX_SEEDS + " caught " + rule);
        System.out.println(rule + " caught after " + seed + " seeds: " + caught.getMessage().lines().findFirst().orElse(""));
        assertTrue(caught.getCause() instanceof SimInvariants.Violation,
                "caught by a safety property, not by something else: " + caught.getMessage());
    }
}
