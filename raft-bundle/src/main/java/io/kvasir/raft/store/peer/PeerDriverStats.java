package io.kvasir.raft.store.peer;

/**
 * Counters of a {@link PeerDriver} since it started.
 *
 * @param raftWrites     batches of Raft log and hard-state writes, one per loop pass with work
 * @param syncedWrites   those of them written with fsync: with group commit, fewer than proposals
 * @param proposals      proposals the Raft core took
 * @param appliedEntries entries applied to the engine (including no-ops)
 * @param ticks          logical clock ticks given to the peers
 */
public record PeerDriverStats(long raftWrites, long syncedWrites, long proposals, long appliedEntries, long ticks) {
}
