package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.core.RaftStatus;

/**
 * A region's peer as its driver saw it, for monitoring and tests.
 *
 * @param region        the region as the peer applies it
 * @param raft          the Raft node's status (role, term, leader, commit)
 * @param appliedIndex  the last entry applied to the engine
 * @param firstLogIndex the first entry still in the log (log GC discards the ones before)
 * @param lastLogIndex  the last entry persisted in the log
 * @param live          false once the peer fail-stopped
 */
public record PeerStatus(Metapb.Region region, RaftStatus raft, long appliedIndex, long firstLogIndex,
        long lastLogIndex, boolean live) {
}
