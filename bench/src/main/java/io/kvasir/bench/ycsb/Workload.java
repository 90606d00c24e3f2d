package io.kvasir.bench.ycsb;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * YCSB's core workloads that fit a raw key-value store, with YCSB's proportions
 * (workloads/workload{a,b,c,e}): D (read latest) and F (read-modify-write) are left out. W, writes
 * only, is Kvasir's own.
 */
enum Workload {
    /** Insert every record with batchPut; runs to completion, no warm-up. */
    LOAD("load", Map.of()),
    /** Update heavy: 50 % read, 50 % update. */
    A("A", mix(OpType.READ, 0.5, OpType.UPDATE, 0.5)),
    /** Read mostly: 95 % read, 5 % update. */
    B("B", mix(OpType.READ, 0.95, OpType.UPDATE, 0.05)),
    /** Read only. */
    C("C", mix(OpType.READ, 1.0)),
    /** Short ranges: 95 % scan of 1..scan-length records, 5 % insert of new records. */
    E("E", mix(OpType.SCAN, 0.95, OpType.INSERT, 0.05)),
    /** Write only (not a YCSB workload): 100 % update, for replicated write throughput and group commit. */
    W("W", mix(OpType.UPDATE, 1.0));

    private final String label;
    private final Map<OpType, Double> proportions;

    Workload(String label, Map<OpType, Double> proportions) {
        this.label = label;
        this.proportions = proportions;
    }

    String label() {
        return label;
    }

    /** The transaction mix; LOAD has none. */
    OpMix mix() {
        if (this == LOAD) {
            throw new IllegalStateException("the load phase has no operation mix");
        }
        return new OpMix(proportions);
    }

    static Workload parse(String text) {
        String t = text.trim();
        for (Workload w : values()) {
            if (w.label.equalsIgnoreCase(t)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + text + "' (expected load, A, B, C, E or W)");
    }

    private static Map<OpType, Double> mix(Object... opsAndShares) {
        Map<OpType, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < opsAndShares.length; i += 2) {
            m.put((OpType) opsAndShares[i], (Double) opsAndShares[i + 1]);
        }
        return m;
    }
}
