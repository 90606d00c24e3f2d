package io.kvasir.bench.ycsb;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Chooses the next operation with fixed proportions, one uniform draw per choice. */
final class OpMix {

    private final OpType[] ops;
    /** cumulative[i] = share of ops[0..i]; the last is 1. */
    private final double[] cumulative;
    private final Map<OpType, Double> proportions;

    /** @param proportions positive weights, normalised here; iteration order fixes the draw mapping. */
    OpMix(Map<OpType, Double> proportions) {
        if (proportions.isEmpty()) {
            throw new IllegalArgumentException("an operation mix needs at least one operation");
        }
        double total = 0;
        for (Map.Entry<OpType, Double> e : proportions.entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException("proportion of " + e.getKey() + " is " + e.getValue());
            }
            total += e.getValue();
        }
        ops = proportions.keySet().toArray(new OpType[0]);
        cumulative = new double[ops.length];
        Map<OpType, Double> normalised = new EnumMap<>(OpType.class);
        double sum = 0;
        for (int i = 0; i < ops.length; i++) {
            double share = proportions.get(ops[i]) / total;
            normalised.put(ops[i], share);
            sum += share;
            cumulative[i] = sum;
        }
        cumulative[ops.length - 1] = 1;
        this.proportions = Collections.unmodifiableMap(normalised);
    }

    OpType choose(RandomGenerator random) {
        double u = random.nextDouble();
        for (int i = 0; i < ops.length - 1; i++) {
            if (u < cumulative[i]) {
                return ops[i];
            }
        }
        return ops[ops.length - 1];
    }

    /** The normalised shares, summing to 1. */
    Map<OpType, Double> proportions() {
        return proportions;
    }

    List<OpType> ops() {
        return List.of(ops);
    }
}
