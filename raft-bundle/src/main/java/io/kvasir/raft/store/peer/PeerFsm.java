package io.kvasir.raft.store.peer;

import io.kvasir.raft.store.batch.BatchSystem;
import io.kvasir.raft.store.batch.Fsm;

/**
 * A region's peer as a state machine of the raft pool (TiKV's {@code PeerFsm}): its mailbox
 * takes proposals, messages, ticks and apply results; a raft poller runs it. The peer inside may
 * be replaced, on the machine's own poller, when a split brings the data an uninitialized peer
 * waited for.
 */
final class PeerFsm extends Fsm<PeerTask> {

    private final long regionId;
    /** Read and replaced only by the poller running this machine (or before it is registered). */
    private RegionPeer peer;

    PeerFsm(BatchSystem<?> system, RegionPeer peer) {
        super(system);
        this.regionId = peer.regionId();
        this.peer = peer;
    }

    long regionId() {
        return regionId;
    }

    RegionPeer peer() {
        return peer;
    }

    void replace(RegionPeer next) {
        this.peer = next;
    }
}
