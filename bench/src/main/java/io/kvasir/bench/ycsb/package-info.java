/**
 * A YCSB-style load driver for a running Kvasir cluster: it loads a key space through the official
 * {@code tikv-client-java} ({@code RawKVClient}) and then runs YCSB's core workloads A, B, C and E
 * against it with a fixed number of closed-loop threads, recording every operation's latency.
 * Start it with {@link io.kvasir.bench.ycsb.YcsbDriver} or {@code bench/run-ycsb.sh}.
 *
 * <p>Boundary: this package talks to the cluster only through {@code org.tikv.*} (and only in
 * {@link io.kvasir.bench.ycsb.TikvRawKv} and {@link io.kvasir.bench.ycsb.YcsbDriver}); it uses no
 * Kvasir module, so it measures what any TiKV client would see. Everything else (key format,
 * generators, operation mix, statistics, report) is pure and takes its randomness and clock as
 * arguments, so the same seed gives the same keys and operations on every thread.
 *
 * <p>The pure parts the transaction driver ({@code io.kvasir.bench.txn}) shares are public: key
 * format ({@link io.kvasir.bench.ycsb.KeySpace}), key choice ({@link io.kvasir.bench.ycsb.Distribution}),
 * latency statistics ({@link io.kvasir.bench.ycsb.OpStats}), error collection and number formats.
 */
package io.kvasir.bench.ycsb;
