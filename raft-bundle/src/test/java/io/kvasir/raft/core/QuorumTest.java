package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Quorum rules: the committed index and the vote result of majority and joint configs, as
 * data-driven scripts ({@code testdata/quorum/*.txt}) and as a property checked against naive
 * twins (etcd {@code quorum/datadriven_test.go}, {@code quick_test.go}).
 */
class QuorumTest {

    @TestFactory
    Stream<DynamicNode> scripts() {
        return DataDriven.run("quorum", () -> QuorumTest::handle);
    }

    private static String handle(DataDriven.Command c) {
        JointConfig cfg = new JointConfig(MajorityConfig.of(DataDriven.ids(c.arg("voters"))),
                MajorityConfig.of(DataDriven.ids(c.arg("outgoing"))));
        switch (c.name()) {
            case "committed" -> {
                Map<Long, Long> acked = pairs(c.arg("acked"), Long::parseLong);
                long fast = cfg.committedIndex(id -> acked.getOrDefault(id, 0L));
                long naive = Math.min(naiveCommitted(cfg.incoming(), acked), naiveCommitted(cfg.outgoing(), acked));
                assertEquals(naive, fast, "optimised and naive committed index disagree for " + c.line());
                return fast == Long.MAX_VALUE ? "∞" : Long.toString(fast);
            }
            case "vote" -> {
                Map<Long, Boolean> votes = pairs(c.arg("votes"), v -> v.equals("y"));
                return cfg.voteResult(votes).toString();
            }
            default -> throw new IllegalArgumentException("unknown command " + c.name());
        }
    }

    /** {@code (1:5 2:4)} into a map. */
    private static <V> Map<Long, V> pairs(String list, Function<String, V> value) {
        Map<Long, V> out = new HashMap<>();
        if (list == null) {
            return out;
        }
        for (String p : list.replace("(", "").replace(")", "").trim().split("\\s+")) {
            if (p.isEmpty()) {
                continue;
            }
            String[] kv = p.split(":");
            out.put(Long.parseLong(kv[0]), value.apply(kv[1]));
        }
        return out;
    }

    /**
     * The naive twin: the largest index that a majority has acknowledged, found by trying every
     * acknowledged index and counting.
     */
    static long naiveCommitted(MajorityConfig cfg, Map<Long, Long> acked) {
        if (cfg.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (long candidate : cfg.ids()) {
            long idx = acked.getOrDefault(candidate, 0L);
            int count = 0;
            for (long id : cfg.ids()) {
                if (acked.getOrDefault(id, 0L) >= idx) {
                    count++;
                }
            }
            if (count > cfg.size() / 2) {
                best = Math.max(best, idx);
            }
        }
        return best;
    }

    /** The naive twin of the vote count: enumerate how the missing votes could go. */
    static VoteResult naiveVote(MajorityConfig cfg, Map<Long, Boolean> votes) {
        if (cfg.isEmpty()) {
            return VoteResult.WON;
        }
        long[] ids = cfg.ids();
        boolean canWin = false;
        boolean canLose = false;
        for (int mask = 0; mask < (1 << ids.length); mask++) {
            int yes = 0;
            for (int i = 0; i < ids.length; i++) {
                Boolean v = votes.get(ids[i]);
                boolean y = v != null ? v : (mask & (1 << i)) != 0;
                if (y) {
                    yes++;
                }
            }
            if (yes > ids.length / 2) {
                canWin = true;
            } else {
                canLose = true;
            }
        }
        return canWin && canLose ? VoteResult.PENDING : canWin ? VoteResult.WON : VoteResult.LOST;
    }

    @Test
    void theOptimisedCommittedIndexAgreesWithTheNaiveTwin() {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++) {
            MajorityConfig in = randomConfig(random);
            MajorityConfig out = random.nextBoolean() ? MajorityConfig.EMPTY : randomConfig(random);
            Map<Long, Long> acked = new HashMap<>();
            for (long id = 1; id <= 9; id++) {
                if (random.nextInt(4) > 0) {
                    acked.put(id, (long) random.nextInt(20));
                }
            }
            JointConfig joint = new JointConfig(in, out);
            long expected = Math.min(naiveCommitted(in, acked), naiveCommitted(out, acked));
            assertEquals(expected, joint.committedIndex(id -> acked.getOrDefault(id, 0L)),
                    "config " + joint + " acked " + acked);
        }
    }

    @Test
    void theVoteCountAgreesWithTheNaiveTwin() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 20_000; round++) {
            MajorityConfig in = randomConfig(random);
            MajorityConfig out = random.nextBoolean() ? MajorityConfig.EMPTY : randomConfig(random);
            Map<Long, Boolean> votes = new HashMap<>();
            for (long id = 1; id <= 9; id++) {
                int r = random.nextInt(3);
                if (r > 0) {
                    votes.put(id, r == 1);
                }
            }
            VoteResult a = naiveVote(in, votes);
            VoteResult b = naiveVote(out, votes);
            VoteResult expected = a == b ? a
                    : a == VoteResult.LOST || b == VoteResult.LOST ? VoteResult.LOST : VoteResult.PENDING;
            JointConfig joint = new JointConfig(in, out);
            assertEquals(expected, joint.voteResult(votes), "config " + joint + " votes " + votes);
        }
    }

    private static MajorityConfig randomConfig(SplittableRandom random) {
        int n = 1 + random.nextInt(7);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 1 + random.nextInt(9);
        }
        return MajorityConfig.of(ids);
    }
}
