package io.kvasir.raft.store.transport;

import io.kvasir.kvproto.RaftServerpb.RaftMessage;

/** The peer a message is for, as {@link io.kvasir.raft.store.peer.RaftTransport.Feedback} names it. */
record TargetPeer(long regionId, long peerId) {

    static TargetPeer of(RaftMessage message) {
        return new TargetPeer(message.getRegionId(), message.getToPeer().getId());
    }
}
