package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OpMixTest {

    private static final int DRAWS = 100_000;

    @Test
    void workloadsHaveYcsbProportions() {
        assertEquals(Map.of(OpType.READ, 0.5, OpType.UPDATE, 0.5), Workload.A.mix().proportions());
        assertEquals(Map.of(OpType.READ, 0.95, OpType.UPDATE, 0.05), Workload.B.mix().proportions());
        assertEquals(Map.of(OpType.READ, 1.0), Workload.C.mix().proportions());
        assertEquals(Map.of(OpType.SCAN, 0.95, OpType.INSERT, 0.05), Workload.E.mix().proportions());
        assertEquals(List.of(OpType.SCAN, OpType.INSERT), Workload.E.mix().ops());
        assertThrows(IllegalStateException.class, Workload.LOAD::mix);
    }

    @Test
    void drawsMatchTheProportionsOver100kDraws() {
        for (Workload w : List.of(Workload.A, Workload.B, Workload.C, Workload.E)) {
            OpMix mix = w.mix();
            Map<OpType, Integer> counts = draw(mix, 17);
            mix.proportions().forEach((op, share) ->
                    // 4 standard deviations of a binomial over 100k draws is at most 0.63 %.
                    assertEquals(share, counts.getOrDefault(op, 0) / (double) DRAWS, 0.0065, w + " " + op));
            assertEquals(DRAWS, counts.values().stream().mapToInt(Integer::intValue).sum());
        }
    }

    @Test
    void sameSeedSameOperations() {
        OpMix mix = Workload.B.mix();
        SplittableRandom a = new SplittableRandom(99);
        SplittableRandom b = new SplittableRandom(99);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(mix.choose(a), mix.choose(b));
        }
    }

    @Test
    void normalisesWeightsAndRefusesBadOnes() {
        Map<OpType, Double> weights = new EnumMap<>(OpType.class);
        weights.put(OpType.READ, 3.0);
        weights.put(OpType.SCAN, 1.0);
        assertEquals(0.75, new OpMix(weights).proportions().get(OpType.READ), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new OpMix(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new OpMix(Map.of(OpType.READ, 0.0)));
        assertThrows(IllegalArgumentException.class, () -> new OpMix(Map.of(OpType.READ, -1.0)));
    }

    private static Map<OpType, Integer> draw(OpMix mix, long seed) {
        Map<OpType, Integer> counts = new EnumMap<>(OpType.class);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(mix.choose(random), 1, Integer::sum);
        }
        return counts;
    }
}
