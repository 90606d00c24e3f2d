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
     * For stores whose regions have one voter: there is no one to send to. It drops what it is
     * given; Raft tolerates lost messages, so a region with peers elsewhere simply makes no
     * progress (its proposals are refused as not leader).
     */
    RaftTransport NONE = message -> {
    };
}
