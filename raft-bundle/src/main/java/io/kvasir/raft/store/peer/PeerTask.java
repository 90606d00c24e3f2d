package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import java.util.concurrent.CompletableFuture;

/** Work handed to the {@link PeerDriver}'s thread through its mailbox; each carries its answer. */
sealed interface PeerTask {

    long regionId();

    CompletableFuture<?> future();

    /** Fails the task unserved. */
    default void fail(Throwable cause) {
        future().completeExceptionally(cause);
    }

    record Open(Metapb.Region region, Metapb.Peer self, CompletableFuture<Void> future) implements PeerTask {
        @Override
        public long regionId() {
            return region.getId();
        }
    }

    record Propose(long regionId, RaftCmdRequest cmd, CompletableFuture<Void> future) implements PeerTask {
    }

    record Close(long regionId, CompletableFuture<Void> future) implements PeerTask {
    }

    record Status(long regionId, CompletableFuture<PeerStatus> future) implements PeerTask {
    }

    /** A message from another store; nobody waits for it. */
    record Step(RaftMessage message, CompletableFuture<Void> future) implements PeerTask {
        @Override
        public long regionId() {
            return message.getRegionId();
        }
    }

    /** What the transport learnt about delivery to {@code peerId}: unreachable, or a snapshot's fate. */
    record Delivery(long regionId, long peerId, boolean snapshot, boolean delivered, CompletableFuture<Void> future)
            implements PeerTask {
    }

    record ReadIndex(long regionId, CompletableFuture<Void> future) implements PeerTask {
    }
}
