package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One round of Ready handling for a set of peers (TiKV's raft poller's {@code end}: write all the
 * batch's log writes at once): take every peer's Ready, write all their log entries and hard
 * states in ONE batch, synced if any of them must be, so one fsync covers every proposal of the
 * round; then, peer by peer, place proposals, send messages, hand committed entries to the apply
 * pool, advance.
 *
 * <p>An exception from one peer's phase fails that peer only ({@link Listener#failed}); a write
 * the engine refuses fails every peer of the round, since none of their logs is durable. Driver
 * One per raft poller.
 */
final class GroupCommit {

    /** What the driver learns from a round. */
    interface Listener {
        /** {@code peer} must fail-stop with {@code cause}. */
        void failed(RegionPeer peer, Throwable cause);

        /** {@code peer}'s Ready reported a leader change. */
        void leaderChanged(RegionPeer peer, long leaderPeerId);
    }

    private final KvEngine engine;
    private final Listener listener;
    private final AtomicLong raftWrites;
    private final AtomicLong syncedWrites;
    private final Runnable afterWrite;

    /**
     * @param raftWrites   and {@code syncedWrites} count this round's writes (shared by every poller)
     * @param afterWrite   runs after each write (a test hook)
     */
    GroupCommit(KvEngine engine, Listener listener, AtomicLong raftWrites, AtomicLong syncedWrites, Runnable afterWrite) {
        this.engine = engine;
        this.listener = listener;
        this.raftWrites = raftWrites;
        this.syncedWrites = syncedWrites;
        this.afterWrite = afterWrite;
    }

    /** Handles one Ready of each of {@code peers}, every one of which has one. */
    void run(List<RegionPeer> peers) {
        List<RegionPeer.ReadyWork> works = new ArrayList<>(peers.size());
        for (RegionPeer p : peers) {
            try {
                works.add(p.takeReady());
            } catch (RuntimeException | Error e) {
                listener.failed(p, e);
            }
        }
        if (works.isEmpty() || !persist(works)) {
            return;
        }
        for (RegionPeer.ReadyWork w : works) {
            RegionPeer p = w.peer();
            try {
                p.persisted(w);
                p.handOver(w);
                p.advance(w);
                if (w.softState() != null) {
                    listener.leaderChanged(p, w.softState().leaderId());
                }
            } catch (RuntimeException | Error e) {
                listener.failed(p, e);
            }
        }
    }

    /** Writes every Ready's log writes in one batch; false (and the peers fail) if the engine refuses it. */
    private boolean persist(List<RegionPeer.ReadyWork> works) {
        boolean sync = false;
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (RegionPeer.ReadyWork w : works) {
                w.addTo(batch);
                sync |= w.mustSync();
            }
            if (!batch.isEmpty()) {
                engine.write(batch, sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
                raftWrites.incrementAndGet();
                if (sync) {
                    syncedWrites.incrementAndGet();
                }
                afterWrite.run();
            }
            return true;
        } catch (RuntimeException e) {
            // The engine refused the shared batch: the disk is at fault, not one region, and none
            // of these peers may go on as if its log were durable.
            for (RegionPeer.ReadyWork w : works) {
                listener.failed(w.peer(), e);
            }
            return false;
        }
    }
}
