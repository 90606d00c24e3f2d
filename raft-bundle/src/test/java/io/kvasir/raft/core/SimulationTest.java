package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deterministic simulation in CI: {@value #DEFAULT_SEEDS} seeds of {@value #DEFAULT_STEPS} steps
 * for groups of 3 and of 5 nodes (overridable, see the module README for the soak). A failure prints
 * the seed and the command that replays it.
 */
class SimulationTest {

    static final int DEFAULT_SEEDS = 2000;
    static final int DEFAULT_STEPS = 500;

    static int seeds() {
        return Integer.getInteger("kvasir.raft.soak.seeds", Integer.getInteger("kvasir.raft.sim.seeds", DEFAULT_SEEDS));
    }

    static int steps() {
        return Integer.getInteger("kvasir.raft.steps", DEFAULT_STEPS);
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void seededRunsKeepEverySafetyPropertyAndRecover(int nodes) {
        run(Simulator.Options.of(nodes, steps()), seeds());
    }

    /** The schedule that {@link BrokenRuleSimulationTest} uses, which must pass with every rule intact. */
    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void jointHeavyRunsKeepEverySafetyPropertyAndRecover(int nodes) {
        run(Simulator.Options.of(nodes, steps()).withJointHeavy(), Math.max(1, seeds() / 4));
    }

    private static void run(Simulator.Options opt, int seeds) {
        long first = Long.getLong("kvasir.raft.firstSeed", 1);
        int nodes = opt.nodes();
        long start = System.nanoTime();
        long committed = 0;
        long leaders = 0;
        long reads = 0;
        long confChanges = 0;
        long snapshots = 0;
        int worstLiveness = 0;
        long worstSeed = 0;
        List<String> failures = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            try {
                Simulator.Stats s = new Simulator(seed, opt).run();
                committed += s.committed();
                leaders += s.leaders();
                reads += s.reads();
                confChanges += s.confChanges();
                snapshots += s.snapshots();
                if (s.livenessTicks() > worstLiveness) {
                    worstLiveness = s.livenessTicks();
                    worstSeed = seed;
                }
            } catch (Simulator.Failure f) {
                failures.add(f.getMessage());
                if (failures.size() >= 3) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "simulation%s: %d nodes, %d seeds x %d steps in %.1f s; %d entries committed,"
                + " %d leaders, %d reads checked, %d conf changes and %d snapshots applied,"
                + " worst liveness %d ticks after healing (seed %d)%n",
                opt.jointHeavy() ? " (joint-heavy)" : "", nodes, seeds, opt.steps(), seconds, committed, leaders, reads, confChanges, snapshots, worstLiveness, worstSeed);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }

    /**
     * Replays one seed with a trace: {@code -Dkvasir.raft.seed=N [-Dkvasir.raft.nodes=3]}; a failure
     * prints the last events, {@code -Dkvasir.raft.printTrace=true} prints them anyway
     * ({@code -Dkvasir.raft.traceLines=N} keeps more).
     */
    @Test
    void replay() {
        Long seed = Long.getLong("kvasir.raft.seed");
        org.junit.jupiter.api.Assumptions.assumeTrue(seed != null, "set -Dkvasir.raft.seed=N to replay a seed");
        Simulator.Options opt = new Simulator.Options(Integer.getInteger("kvasir.raft.nodes", 3), steps(),
                BrokenRule.valueOf(System.getProperty("kvasir.raft.broken", "NONE")),
                Boolean.getBoolean("kvasir.raft.jointHeavy"), true);
        Simulator sim = new Simulator(seed, opt);
        Simulator.Stats s = sim.run();
        if (Boolean.getBoolean("kvasir.raft.printTrace")) {
            System.out.println(sim.trace());
        }
        System.out.println("replayed " + s);
    }
}
