package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Work for a region's {@link ApplyFsm}, in the order its mailbox received it. */
sealed interface ApplyTask {

    /**
     * Committed entries to apply, the next ones after those handed before; {@code callbacks} holds,
     * for each entry, the future of the proposal it carries, or null.
     */
    record Apply(List<Entry> entries, List<CompletableFuture<Void>> callbacks) implements ApplyTask {
    }

    /** Record {@code truncated} with the apply state: the log up to it may go (TiKV's CompactLog). */
    record Compact(RaftTruncatedState truncated) implements ApplyTask {
    }

    /** Take an engine snapshot at the applied index, for a region snapshot. */
    record TakeSnapshot(CompletableFuture<SnapshotBuilder.Taken> future) implements ApplyTask {
    }

    /** A snapshot replaced the region's data and states: start over from them. */
    record Restored(Metapb.Region region, RaftApplyState state, long term) implements ApplyTask {
    }

    /** This is a merge's source: apply up to its commit index, then tell the target's apply. */
    record CatchUp(CommitMergeRequest request, long targetRegionId) implements ApplyTask {
    }

    /** This is a merge's target, paused at its CommitMerge: the source is ready ({@code source}) or never will be. */
    record SourceCaughtUp(Metapb.Region source, Throwable failure) implements ApplyTask {
    }

    /**
     * Stop applying. With {@code destroy}, the region left this store: delete its data and Raft
     * state and leave a tombstone first (after every write handed before).
     */
    record Stop(boolean destroy, CompletableFuture<Void> done) implements ApplyTask {
    }

    /** Completes once everything queued before it is done. */
    record Barrier(CompletableFuture<Void> future) implements ApplyTask {
    }
}
