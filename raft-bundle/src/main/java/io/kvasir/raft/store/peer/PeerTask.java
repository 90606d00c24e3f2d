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

    /** A tick of the Raft clock, sent to every peer each tick interval. */
    record Tick() implements PeerTask {
        @Override
        public long regionId() {
            return 0;
        }

        @Override
        public CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Completes once everything queued before it, and the Ready it led to, is handled. */
    record Barrier(long regionId, CompletableFuture<Void> future) implements PeerTask {
    }

    /** The apply machine wrote a batch. */
    record Applied(ApplyResult result) implements PeerTask {
        @Override
        public long regionId() {
            return result.region().getId();
        }

        @Override
        public CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The apply machine failed; the peer fail-stops. */
    record ApplyFailed(Throwable cause) implements PeerTask {
        @Override
        public long regionId() {
            return 0;
        }

        @Override
        public CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Something the peer must hear on its own thread; {@code what} names it. */
    record Run(int what) implements PeerTask {
        /** A PrepareMerge this peer proposed failed. */
        static final int PREPARE_MERGE_FAILED = 1;
        /** The region merged into another here (its CommitMerge applied): close. */
        static final int MERGED_AWAY = 2;
        /** The region is merging into a region whose snapshot here replaces it: erase it. */
        static final int REPLACED_BY_TARGET_SNAPSHOT = 3;

        @Override
        public long regionId() {
            return 0;
        }

        @Override
        public CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * A split here created this region: a peer just opened on it ({@code fresh}) publishes itself
     * and campaigns if the parent led here; an uninitialized peer (created by a message from its
     * leader) gives way to the piece, whose data and state the split wrote.
     */
    record SplitPiece(Metapb.Region piece, Metapb.Peer self, boolean campaign, boolean fresh) implements PeerTask {
        @Override
        public long regionId() {
            return piece.getId();
        }

        @Override
        public CompletableFuture<?> future() {
            return CompletableFuture.completedFuture(null);
        }
    }
}
