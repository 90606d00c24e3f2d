/**
 * The Raft consensus core of Kvasir: one Raft peer as a pure, deterministic step function, in the
 * shape of etcd-raft and speaking TiKV's {@code eraftpb} messages so that they travel between
 * stores unchanged.
 *
 * <h2>What it may not touch</h2>
 * No I/O ({@code java.io}, {@code java.nio}, {@code java.net}), no clock ({@code java.time},
 * {@code System.currentTimeMillis/nanoTime}), no threads or {@code java.util.concurrent}, no
 * ambient randomness ({@code new Random()}, {@code ThreadLocalRandom}). Time comes in as
 * {@link io.kvasir.raft.core.RawNode#tick()}, randomness through
 * {@link io.kvasir.raft.core.RandomSource}, storage through {@link io.kvasir.raft.core.LogStorage}, and
 * everything to do goes out in a {@link io.kvasir.raft.core.Ready}. {@code PurityTest} enforces this on
 * the compiled classes. No logging either: {@link io.kvasir.raft.core.Describe} gives the text the
 * caller may log.
 *
 * <h2>Map</h2>
 * <ul>
 *   <li>{@link io.kvasir.raft.core.RawNode} — the API: tick, step, propose, membership changes,
 *       transfer, reads; {@code Ready}/{@code advance}. The Ready contract says what to persist
 *       before sending which message.</li>
 *   <li>{@code Raft} — terms, votes, elections and the one owner of role transitions
 *       ({@link io.kvasir.raft.core.StateRole}); {@code FollowerState}, {@code CandidateState},
 *       {@code LeaderState} (with {@code LeaderReads}, {@code LeaderLease},
 *       {@code ConfChangeChecks}) hold each role's rules and state.</li>
 *   <li>{@code RaftLog} over {@link io.kvasir.raft.core.LogStorage} and {@code Unstable} — the log;
 *       {@link io.kvasir.raft.core.MemoryLogStorage} — an in-memory storage for tests and benchmarks.</li>
 *   <li>{@code ProgressTracker}, {@code Progress}, {@code Inflights} — per-peer replication;
 *       {@code MajorityConfig}, {@code JointConfig} — quorum rules; {@code Changer} — membership
 *       changes (joint and simple) with refusals.</li>
 *   <li>{@link io.kvasir.raft.core.RaftConfig} — every knob, with documented defaults.</li>
 * </ul>
 *
 * <h2>Beyond etcd</h2>
 * <ul>
 *   <li>Leader leases are counted from when the leader <em>sent</em> what a quorum acknowledged,
 *       bounded by the election timeout minus a drift margin, and are void for the rest of the term
 *       after any sign of a newer term or a TimeoutNow ({@code LeaderLease}). A restarted node honours
 *       the lease it may have granted before the crash; a stray message of a newer term does not
 *       release that promise.</li>
 *   <li>A leader refuses a membership change that would remove or demote itself, or leave fewer
 *       live voters than a quorum (TiKV refuses the same).</li>
 *   <li>Membership changes take effect when applied (as in etcd), so the voters of a new
 *       configuration may not know it is committed while a node it removed holds the longest log.
 *       Such a node therefore does not fall silent: a leader that a change removes or demotes keeps
 *       leading, refusing proposals, until it has handed over; and a non-voter may campaign after
 *       twice the election timeout, winning only with a majority of its configuration, and then
 *       only hands over. The simulator found the deadlocks this prevents.</li>
 *   <li>A vote request of an older term is rejected with our term (thesis figure 3.1) rather than
 *       ignored, and a term change alone does not reset the election timer: together they keep
 *       hopeless candidates from starving the node with the longest log.</li>
 *   <li>A snapshot whose configuration lacks the receiver is accepted (a re-added node may need it).</li>
 *   <li>Messages from the network are validated first; nothing they carry can trip an invariant.</li>
 * </ul>
 *
 * <h2>Testing</h2>
 * Scenario tests per rule, data-driven scripts for the quorum and membership kernels
 * ({@code src/test/resources/testdata}), and a deterministic simulator checking safety after every
 * event; see the module's {@code README.md} for the soak and replay commands.
 */
package io.kvasir.raft.core;
