package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.MergeState;
import io.kvasir.kvproto.RaftServerpb.PeerState;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.kvproto.RaftServerpb.RegionLocalState;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.core.StorageException;
import io.kvasir.raft.store.batch.BatchSystem;
import io.kvasir.raft.store.batch.Fsm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's apply state machine (TiKV's {@code ApplyFsm}), run by the apply pool: it applies
 * the committed entries its peer hands it, in order, each run's entries in one engine write with
 * the apply state, then completes their proposals and tells the peer ({@link ApplyResult}).
 *
 * <p>Apply is <em>pausable</em> for merges: at a CommitMerge whose source has not applied up to
 * the merge's commit index on this store, it writes what came before, asks the source's apply
 * to catch up ({@link ApplyTask.CatchUp}) and defers everything else until the source answers;
 * the source's apply reads the entries it lacks from its own log and from those the CommitMerge
 * carries. A failure fail-stops the region: its waiting proposals fail and the peer is told.
 */
final class ApplyFsm extends Fsm<ApplyTask> {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyFsm.class);
    /** Most tasks taken from the mailbox per run, so one busy region cannot hold a poller. */
    static final int MAX_TASKS_PER_RUN = 256;

    /** Where an apply machine sends what it learns, and how it reaches other regions' apply. */
    interface Links {
        /** Hands {@code task} to the region's peer. */
        void toPeer(long regionId, PeerTask task);

        /** Hands {@code task} to the region's apply machine; false if it has none here. */
        boolean toApply(long regionId, ApplyTask task);

        /**
         * Makes sure this store's peer of {@code sourceRegionId} is open (a restart may replay the
         * target's CommitMerge before the source's turn) and hands its apply {@code task}; false
         * if the store holds no live peer of it.
         */
        boolean toMergeSource(long sourceRegionId, long storeId, ApplyTask task);
    }

    private final long regionId;
    private final long storeId;
    private final KvEngine engine;
    private final PeerContext ctx;
    private final Links links;
    private final Applier applier;
    private long appliedTerm;
    private RaftTruncatedState truncated;
    private boolean stopped;

    // The run being staged: one write batch for every Apply task of the run.
    private WriteBatch batch;
    private final List<Applier.Outcome> staged = new ArrayList<>();
    private final List<CompletableFuture<Void>> stagedCallbacks = new ArrayList<>();
    private boolean stateDirty;
    /** The proposals of the Apply task being handled: a failure midway fails those not yet answered too. */
    private List<CompletableFuture<Void>> handling = List.of();

    // A pause at a CommitMerge: the entries from it on, and the tasks that arrived meanwhile.
    private List<Entry> pausedEntries;
    private List<CompletableFuture<Void>> pausedCallbacks;
    private final ArrayDeque<ApplyTask> deferred = new ArrayDeque<>();
    /** The merge source confirmed ready, consumed by the resumed CommitMerge. */
    private Metapb.Region readySource;
    /** Outcomes of entries applied by a merge catch-up, for their proposals handed later. */
    private final Map<Long, Applier.Outcome> caughtUp = new HashMap<>();

    ApplyFsm(BatchSystem<?> system, PeerContext ctx, Links links, long storeId, Metapb.Region region,
            RaftApplyState state, MergeState merging, long appliedTerm) {
        super(system);
        this.regionId = region.getId();
        this.storeId = storeId;
        this.engine = ctx.engine();
        this.ctx = ctx;
        this.links = links;
        this.applier = new Applier(engine, region, state, merging, this::confirmedSource);
        this.appliedTerm = appliedTerm;
        this.truncated = state.getTruncatedState();
    }

    long regionId() {
        return regionId;
    }

    /** Takes up to {@link #MAX_TASKS_PER_RUN} tasks and writes what they staged; apply pool only. */
    void run() {
        try {
            for (int i = 0; i < MAX_TASKS_PER_RUN && !stopped; i++) {
                ApplyTask task = poll();
                if (task == null) {
                    break;
                }
                if (pausedEntries != null && mustWait(task)) {
                    deferred.addLast(task);
                    continue;
                }
                handle(task);
            }
            flush();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
        if (stopped) {
            drainStopped();
        }
    }

    private static boolean mustWait(ApplyTask task) {
        return !(task instanceof ApplyTask.SourceCaughtUp || task instanceof ApplyTask.Stop
                || task instanceof ApplyTask.Barrier);
    }

    private void handle(ApplyTask task) {
        if (task instanceof ApplyTask.Apply apply) {
            handling = apply.callbacks();
            ctx.beforeApply().accept(regionId);
            stage(apply.entries(), apply.callbacks());
            handling = List.of();
        } else if (task instanceof ApplyTask.Compact compact) {
            RaftTruncatedState t = compact.truncated();
            if (t.getIndex() > truncated.getIndex() && t.getIndex() <= applier.stagedIndex()) {
                truncated = t;
                stateDirty = true;
            }
        } else if (task instanceof ApplyTask.TakeSnapshot take) {
            flush();
            takeSnapshot(take.future());
        } else if (task instanceof ApplyTask.Restored restored) {
            flush();
            applier.restored(restored.region(), restored.state());
            appliedTerm = restored.term();
            truncated = restored.state().getTruncatedState();
            caughtUp.clear();
        } else if (task instanceof ApplyTask.CatchUp catchUp) {
            try {
                catchUp(catchUp);
            } catch (RuntimeException | Error e) {
                // The target must not wait for a source that cannot get there; both stop.
                links.toApply(catchUp.targetRegionId(), new ApplyTask.SourceCaughtUp(null, e));
                throw e;
            }
        } else if (task instanceof ApplyTask.SourceCaughtUp ready) {
            resume(ready);
        } else if (task instanceof ApplyTask.Stop stop) {
            flush();
            stop(stop);
        } else if (task instanceof ApplyTask.Barrier barrier) {
            flush();
            barrier.future().complete(null);
        }
    }

    // ---- applying -----------------------------------------------------------------------------------

    private void stage(List<Entry> entries, List<CompletableFuture<Void>> callbacks) {
        int skip = 0;
        while (skip < entries.size() && entries.get(skip).getIndex() <= applier.stagedIndex()) {
            // Applied already, by a merge's catch-up: answer the proposal as that did.
            Entry e = entries.get(skip);
            answer(caughtUp.remove(e.getIndex()), e, callbacks.get(skip));
            skip++;
        }
        if (skip == entries.size()) {
            return;
        }
        List<Entry> rest = entries.subList(skip, entries.size());
        if (batch == null) {
            batch = engine.newWriteBatch();
        }
        List<Applier.Outcome> outcomes = applier.stage(batch, rest);
        staged.addAll(outcomes);
        stagedCallbacks.addAll(callbacks.subList(skip, skip + outcomes.size()));
        if (applier.pausedForMerge()) {
            int at = skip + outcomes.size();
            pausedEntries = List.copyOf(entries.subList(at, entries.size()));
            pausedCallbacks = new ArrayList<>(callbacks.subList(at, callbacks.size()));
            flush();
            askSourceToCatchUp(pausedEntries.get(0));
        }
    }

    private void askSourceToCatchUp(Entry commitMerge) {
        CommitMergeRequest request;
        try {
            request = RaftCmdRequest.parseFrom(commitMerge.getData()).getAdminRequest().getCommitMerge();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("region " + regionId + ": entry " + commitMerge.getIndex()
                    + " paused as a CommitMerge does not decode", e);
        }
        long sourceId = request.getSource().getId();
        LOG.info("region {}: merge of region {} waits at index {} for the source to catch up", regionId, sourceId,
                commitMerge.getIndex());
        if (!links.toMergeSource(sourceId, storeId, new ApplyTask.CatchUp(request, regionId))) {
            throw new IllegalStateException("region " + regionId + ": merge source region " + sourceId
                    + " has no live peer on this store");
        }
    }

    /** The source answered: take its range, then go on with everything that waited. */
    private void resume(ApplyTask.SourceCaughtUp ready) {
        if (pausedEntries == null) {
            return;
        }
        if (ready.failure() != null) {
            throw new IllegalStateException("region " + regionId + ": the merge source cannot catch up", ready.failure());
        }
        readySource = ready.source();
        List<Entry> entries = pausedEntries;
        List<CompletableFuture<Void>> callbacks = pausedCallbacks;
        pausedEntries = null;
        pausedCallbacks = null;
        stage(entries, callbacks);
        readySource = null;
        while (pausedEntries == null && !deferred.isEmpty() && !stopped) {
            handle(deferred.pollFirst());
        }
    }

    /** {@link Applier.MergeSourceCatchUp}: the source if it confirmed, else null (pause). */
    private Metapb.Region confirmedSource(CommitMergeRequest request) {
        Metapb.Region r = readySource;
        return r != null && r.getId() == request.getSource().getId() ? r : null;
    }

    /**
     * As a merge's source: applies up to the merge's commit index, from this store's log and then
     * from the entries the CommitMerge carries, and tells the target's apply it may go on.
     */
    private void catchUp(ApplyTask.CatchUp task) {
        flush();
        CommitMergeRequest request = task.request();
        long commit = request.getCommit();
        long applied = applier.stagedIndex();
        if (applied < commit) {
            List<Entry> entries = new ArrayList<>();
            long carriedFrom = request.getEntriesCount() == 0 ? commit + 1 : request.getEntries(0).getIndex();
            if (applied + 1 < carriedFrom) {
                entries.addAll(EngineLogStorage.readPersisted(engine, regionId, applied + 1, carriedFrom, Long.MAX_VALUE));
            }
            for (Entry e : request.getEntriesList()) {
                if (e.getIndex() > applied && e.getIndex() <= commit) {
                    entries.add(e);
                }
            }
            LOG.info("region {}: catching up from index {} to {} for the merge into region {}", regionId, applied,
                    commit, task.targetRegionId());
            List<CompletableFuture<Void>> none = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                none.add(null);
            }
            int before = staged.size();
            stage(entries, none);
            for (int i = before; i < staged.size(); i++) {
                caughtUp.put(staged.get(i).index(), staged.get(i));
            }
            if (pausedEntries != null) {
                deferred.addFirst(task); // this source is itself a paused target: on with it once resumed
                return;
            }
            flush();
        }
        MergeState m = applier.merging();
        Throwable failure = null;
        if (m == null || m.getCommit() != commit || m.getTarget().getId() != task.targetRegionId()) {
            failure = new IllegalStateException("region " + regionId + " did not prepare the merge into region "
                    + task.targetRegionId() + " at index " + commit);
        }
        links.toApply(task.targetRegionId(), new ApplyTask.SourceCaughtUp(failure == null ? applier.region() : null,
                failure));
    }

    /** Writes what the run staged with the apply state, answers its proposals and tells the peer. */
    private void flush() {
        if (staged.isEmpty() && !stateDirty) {
            if (batch != null) {
                batch.close();
                batch = null;
            }
            return;
        }
        Metapb.Region regionBefore = applier.region();
        RaftApplyState next;
        try {
            if (batch == null) {
                batch = engine.newWriteBatch();
            }
            next = applier.stageState(batch, truncated);
            // Not synced: the log is, and replay redoes whatever a machine crash loses, exactly
            // once, because the data and the apply state travel together.
            engine.write(batch, WriteOptions.NO_SYNC);
        } catch (RuntimeException | Error e) {
            applier.abandonStaged();
            throw e;
        } finally {
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
        applier.applied(next);
        List<ConfChangeV2> confChanges = new ArrayList<>();
        List<List<Metapb.Region>> splits = new ArrayList<>();
        List<Metapb.Region> merged = new ArrayList<>();
        for (int i = 0; i < staged.size(); i++) {
            Applier.Outcome o = staged.get(i);
            appliedTerm = o.term();
            if (o.confChange() != null) {
                confChanges.add(o.confChange());
            }
            if (o.split() != null) {
                splits.add(o.split());
            }
            if (o.mergedSource() != null) {
                merged.add(o.mergedSource());
            }
        }
        int entries = staged.size();
        ctx.appliedEntries().add(entries);
        for (int i = 0; i < staged.size(); i++) {
            answer(staged.get(i), null, stagedCallbacks.get(i));
        }
        staged.clear();
        stagedCallbacks.clear();
        stateDirty = false;
        links.toPeer(regionId, new PeerTask.Applied(new ApplyResult(next.getAppliedIndex(), appliedTerm, applier.region(),
                applier.merging(), next.getTruncatedState(), entries, confChanges, splits, merged)));
        if (regionBefore != applier.region()) {
            LOG.debug("region {}: applied to {}", regionId, RegionMembership.describe(applier.region()));
        }
    }

    /**
     * Answers a proposal from its entry's outcome. An entry a merge's catch-up applied is answered
     * with the outcome recorded then; without one (or for another term) its fate is unknown here.
     */
    private void answer(Applier.Outcome o, Entry e, CompletableFuture<Void> callback) {
        if (callback == null) {
            return;
        }
        if (o == null || (e != null && o.term() != e.getTerm())) {
            callback.completeExceptionally(new PeerException.Closed(regionId, "a merge's catch-up of the region"));
        } else if (o.error() == null) {
            callback.complete(null);
        } else {
            callback.completeExceptionally(o.error());
        }
    }

    private void takeSnapshot(CompletableFuture<SnapshotBuilder.Taken> future) {
        if (applier.merging() != null) {
            // A snapshot says nothing of the merge: a follower installing one would take writes
            // again if it led. The log, kept from min_index on, serves a lagging peer.
            future.completeExceptionally(new StorageException.SnapshotTemporarilyUnavailable());
            return;
        }
        future.complete(new SnapshotBuilder.Taken(engine.snapshot(),
                new SnapshotBuilder.Point(applier.region(), applier.appliedIndex(), appliedTerm)));
    }

    // ---- stopping -----------------------------------------------------------------------------------

    private void stop(ApplyTask.Stop stop) {
        if (stop.destroy()) {
            erase(engine, applier.region());
        }
        stopped = true;
        close();
        stop.done().complete(null);
    }

    /**
     * Removes the region's state and data from the engine, leaving a tombstone with the region as
     * last applied, so that late messages for its peer here do not bring it back.
     */
    static void erase(KvEngine engine, Metapb.Region r) {
        long regionId = r.getId();
        try (WriteBatch b = engine.newWriteBatch()) {
            b.deleteRange(ColumnFamily.RAFT, LocalKeys.regionRaftPrefix(regionId), LocalKeys.regionRaftPrefixEnd(regionId));
            b.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId), RegionLocalState.newBuilder()
                    .setState(PeerState.Tombstone).setRegion(r).build().toByteArray());
            if (r.getPeersCount() > 0) {
                byte[] start = DataKeys.data(r.getStartKey().toByteArray());
                byte[] end = DataKeys.dataEnd(r.getEndKey().toByteArray());
                for (ColumnFamily cf : ColumnFamily.DATA) {
                    b.deleteRange(cf, start, end);
                }
            }
            engine.write(b, WriteOptions.SYNC);
        }
        LOG.info("region {}: erased here; tombstone at {}", regionId, RegionMembership.describe(r));
    }

    /** The pools stopped: answers whatever still waits here with {@code cause}; not on a poller. */
    void abandon(PeerException cause) {
        stopped = true;
        close();
        staged.clear();
        stagedCallbacks.forEach(f -> completeExceptionally(f, cause));
        stagedCallbacks.clear();
        drainStopped(cause);
    }

    /** Fail-stops: what waits fails with the cause, and the peer is told. */
    private void fail(Throwable cause) {
        if (stopped) {
            return;
        }
        LOG.error("region {}: apply failed; the region stops here", regionId, cause);
        applier.abandonStaged();
        if (batch != null) {
            batch.close();
            batch = null;
        }
        PeerException failed = new PeerException.PeerFailed(regionId, cause);
        stagedCallbacks.forEach(f -> completeExceptionally(f, failed));
        handling.forEach(f -> completeExceptionally(f, failed));
        handling = List.of();
        staged.clear();
        stagedCallbacks.clear();
        stopped = true;
        close();
        drainStopped(failed);
        links.toPeer(regionId, new PeerTask.ApplyFailed(cause));
    }

    private void drainStopped() {
        drainStopped(new PeerException.Closed(regionId, "the region's apply"));
    }

    /** Answers everything still waiting once stopped. */
    private void drainStopped(PeerException cause) {
        if (pausedCallbacks != null) {
            pausedCallbacks.forEach(f -> completeExceptionally(f, cause));
            pausedCallbacks = null;
            pausedEntries = null;
        }
        List<ApplyTask> left = new ArrayList<>(deferred);
        deferred.clear();
        for (ApplyTask t = poll(); t != null; t = poll()) {
            left.add(t);
        }
        for (ApplyTask t : left) {
            failTask(t, cause);
        }
    }

    private void failTask(ApplyTask t, PeerException cause) {
        if (t instanceof ApplyTask.Apply a) {
            a.callbacks().forEach(f -> completeExceptionally(f, cause));
        } else if (t instanceof ApplyTask.TakeSnapshot s) {
            s.future().completeExceptionally(cause);
        } else if (t instanceof ApplyTask.Stop s) {
            s.done().complete(null);
        } else if (t instanceof ApplyTask.Barrier b) {
            b.future().complete(null);
        } else if (t instanceof ApplyTask.CatchUp c) {
            links.toApply(c.targetRegionId(), new ApplyTask.SourceCaughtUp(null, cause));
        }
    }

    private static void completeExceptionally(CompletableFuture<Void> f, Throwable cause) {
        if (f != null) {
            f.completeExceptionally(cause);
        }
    }
}
