package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.OpStats;
import java.util.EnumMap;
import java.util.Map;

/**
 * One phase's figures over its measured window: committed transactions (latency of each), aborts
 * by cause, and pessimistic statement retries. {@code keyWritesAll} counts committed key writes
 * over the whole phase, warm-up included, for {@link CounterAudit}.
 */
record PhaseResult(String kind, int keysPerTxn, int threads, String distribution, double windowSeconds,
                   OpStats committed, Map<AbortCause, Long> aborts, long statementRetries, long keyWritesAll) {

    PhaseResult {
        Map<AbortCause, Long> copy = new EnumMap<>(AbortCause.class);
        copy.putAll(aborts);
        aborts = copy;
    }

    long abortCount() {
        return aborts.values().stream().mapToLong(Long::longValue).sum();
    }

    long aborted(AbortCause c) {
        return aborts.getOrDefault(c, 0L);
    }

    double committedPerSecond() {
        return windowSeconds > 0 ? committed.count() / windowSeconds : 0;
    }

    /** Aborted among finished transactions: aborted / (committed + aborted). */
    double abortRate() {
        long finished = committed.count() + abortCount();
        return finished == 0 ? 0 : (double) abortCount() / finished;
    }
}
