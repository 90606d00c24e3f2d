/**
 * Transaction benchmarks on a running Kvasir cluster (issue 7's benchmark), started with
 * {@link io.kvasir.bench.txn.TxnBench} or {@code bench/run-txn.sh}:
 * <ul>
 *   <li>{@code mix}: read-modify-write transactions on closed-loop threads — optimistic 2PC of 1
 *       and of 4 keys through tikv-client-java's {@code TwoPhaseCommitter}, and pessimistic
 *       transactions of 4 keys over kvproto directly (the client has no pessimistic API) — with
 *       transactions/s, latency of the committed ones, and aborts counted by cause;</li>
 *   <li>{@code burst}: a sustained stream of large transactional writes, with latency second by
 *       second, to compare a cluster with flow control against one without;</li>
 *   <li>{@code burst-report}: the comparison of two bursts as markdown.</li>
 * </ul>
 *
 * <p>Boundary: the cluster is reached through {@code org.tikv.*} (the official client) and
 * through Kvasir's generated kvproto stubs ({@code io.kvasir.kvproto}) over gRPC, nothing else;
 * the only other Kvasir code used is the memcomparable key encoding PD lookups need in TXN mode
 * ({@code io.kvasir.raft.api.MemComparable}). Key choice, statistics and number formats are the
 * YCSB driver's ({@code io.kvasir.bench.ycsb}). The timeline, abort classification, options and
 * report code is pure and unit-tested.
 */
package io.kvasir.bench.txn;
