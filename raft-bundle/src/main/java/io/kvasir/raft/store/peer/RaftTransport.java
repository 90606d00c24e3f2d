package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.RaftServerpb.RaftMessage;

/**
 * Where a peer's outgoing Raft messages go: the seam for replication across stores. The driver
 * calls it on its own thread, only after the state the messages rest on is durable (the
 * {@link io.kvasir.raft.core.Ready} contract), so an implementation must not block: it queues
 * the message for a sender (TiKV's {@code RaftClient}). A single-voter region sends nothing.
 */
@FunctionalInterface
public interface RaftTransport {

    void send(RaftMessage message);

    /**
     * What a transport tells the store about delivery, so Raft can adapt: a leader stops
     * pipelining to an unreachable peer, and retries a snapshot that did not arrive. Called from
     * any thread; implementations queue and return.
     */
    interface Feedback {

        /** A message for {@code toPeerId} of the region could not be sent (connection failed or queue full). */
        void unreachable(long regionId, long toPeerId);

        /** The snapshot sent to {@code toPeerId} arrived whole ({@code delivered}) or failed. */
        void snapshotStatus(long regionId, long toPeerId, boolean delivered);

        Feedback NONE = new Feedback() {
            @Override
            public void unreachable(long regionId, long toPeerId) {
            }

            @Override
            public void snapshotStatus(long regionId, long toPeerId, boolean delivered) {
            }
        };
    }

    /**
     * For stores whose regions have one voter: there is no one to send to. It drops what it is
     * given; Raft tolerates lost messages, so a region with peers elsewhere simply makes no
     * progress (its proposals are refused as not leader).
     */
    RaftTransport NONE = message -> {
    };
}
