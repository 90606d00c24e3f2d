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

    /** Work the store hands a peer that nobody waits for: its future is done from the start. */
    sealed interface Notice extends PeerTask {
        CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

        @Override
        default long regionId() {
            return 0;
        }

        @Override
        default CompletableFuture<?> future() {
            return DONE;
        }
    }

    /** A tick of the Raft clock, sent to every peer each tick interval. */
    record Tick() implements Notice {
    }

    /** Completes once everything queued before it, and the Ready it led to, is handled. */
    record Barrier(long regionId, CompletableFuture<Void> future) implements PeerTask {
    }

    /** The apply machine wrote a batch. */
    record Applied(ApplyResult result) implements Notice {
        @Override
        public long regionId() {
            return result.region().getId();
        }
    }

    /** The apply machine failed; the peer fail-stops. */
    record ApplyFailed(Throwable cause) implements Notice {
    }

    /** Something the peer must hear on its own thread. */
    record Run(What what) implements Notice {
        enum What {
            /** A PrepareMerge this peer proposed failed. */
            PREPARE_MERGE_FAILED,
            /** The region merged into another here (its CommitMerge applied): close. */
            MERGED_AWAY,
            /** The region is merging into a region whose snapshot here replaces it: erase it. */
            REPLACED_BY_TARGET_SNAPSHOT
        }
    }

    /**
     * A split here created this region: a peer just opened on it ({@code fresh}) publishes itself
     * and campaigns if the parent led here; an uninitialized peer (created by a message from its
     * leader) gives way to the piece, whose data and state the split wrote.
     */
    record SplitPiece(Metapb.Region piece, Metapb.Peer self, boolean campaign, boolean fresh) implements Notice {
        @Override
        public long regionId() {
            return piece.getId();
        }
    }
}
