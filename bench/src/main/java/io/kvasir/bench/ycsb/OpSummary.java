package io.kvasir.bench.ycsb;

/**
 * One row of the report: an operation type's figures over a measured window.
 *
 * @param opsPerSecond successful operations per second of the window
 * @param items records written (batchPut) or pairs returned (scan) in the window
 */
record OpSummary(String workload, OpType op, long count, double opsPerSecond, long p50Nanos, long p99Nanos,
                 long p999Nanos, long maxNanos, long errors, long misses, long items, double windowSeconds) {

    static OpSummary of(String workload, OpType op, OpStats stats, long windowNanos) {
        double seconds = windowNanos / 1e9;
        double rate = seconds > 0 ? stats.count() / seconds : 0;
        return new OpSummary(workload, op, stats.count(), rate, stats.percentileNanos(50), stats.percentileNanos(99),
                stats.percentileNanos(99.9), stats.maxNanos(), stats.errors(), stats.misses(), stats.items(), seconds);
    }

    double itemsPerSecond() {
        return windowSeconds > 0 ? items / windowSeconds : 0;
    }
}
