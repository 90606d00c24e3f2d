/**
 * A store's regions as Raft groups on its engine: each region is one {@link
 * io.kvasir.raft.core.RawNode} whose log, hard state and applied state live in the engine in
 * TiKV's layout, and one thread drives them all. Its peers on other stores are reached through a
 * {@link io.kvasir.raft.store.peer.RaftTransport}; what other threads may know of a region is its
 * published {@link io.kvasir.raft.store.peer.PeerView}.
 *
 * <h2>Map</h2>
 * <ul>
 *   <li>{@link io.kvasir.raft.store.peer.PeerDriver} — the one thread, its mailbox and loop: group
 *       commit of every region's log writes in one synced batch, then apply, then advance. Its
 *       knobs: {@link io.kvasir.raft.store.peer.PeerDriverConfig}.</li>
 *   <li>{@code RegionPeer} — one region: node, log, applier, waiting proposals
 *       ({@code ProposalQueue}) and reads ({@code ReadQueue}), lifecycle ({@code PeerLifecycle}).
 *       A peer created by its leader's message starts uninitialized and waits for a snapshot.</li>
 *   <li>{@code RegionMembership} — ChangePeer / ChangePeerV2 (joint consensus) on the region's
 *       peer list, applied at the same index as the Raft configuration change.</li>
 *   <li>{@code SnapshotBuilder} (leader, files built off the loop) and {@code SnapshotInstaller}
 *       (follower, crash-safe with the {@code Applying} mark) — region snapshots in engine-api's
 *       neutral format, under {@link io.kvasir.raft.store.snap.SnapshotPaths}.</li>
 *   <li>{@code WallLease} — the leader lease as a monotonic-clock deadline dated from its start
 *       tick, for reads served without the Raft loop.</li>
 *   <li>{@code EngineLogStorage} (+ {@code EntryCache}) — the core's {@code LogStorage} on the
 *       engine; {@code PeerBootstrap} — initial state (TiKV's index 5, term 5) and restart checks;
 *       {@code LogGc} — when to compact.</li>
 *   <li>{@code Applier} and {@code WriteCommands} — committed Put/Delete/DeleteRange commands to
 *       data keys ({@link io.kvasir.raft.api.DataKeys}), exactly once.</li>
 *   <li>{@link io.kvasir.raft.store.peer.LocalKeys} — TiKV's region-local key layout.</li>
 *   <li>{@link io.kvasir.raft.store.peer.RaftTransport} — the seam to other stores.</li>
 * </ul>
 *
 * <h2>What it may not touch</h2>
 * Only the {@code raft} column family's region-local keys of the regions it drives, and data keys
 * through committed commands; never the store identity or another region's keys. It reads no wall
 * clock in Raft decisions (time comes from an injected {@link io.kvasir.raft.store.peer.Ticker}) and
 * speaks to the engine only through {@code engine-api}. The Raft core stays pure: this package does
 * all I/O on its behalf.
 *
 * <h2>Durability</h2>
 * The Raft log and the data share one engine. Log writes are synced before anything depends on
 * them; applied data and the apply state go in one unsynced batch, which a crash may lose but never
 * split, and which replay from the log then redoes. The engine's write-ahead log keeps writes in
 * order, so an apply state never survives a crash that lost the log it rests on.
 */
package io.kvasir.raft.store.peer;
