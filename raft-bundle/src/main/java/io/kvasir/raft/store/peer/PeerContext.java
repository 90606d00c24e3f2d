package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.raft.store.batch.BatchSystem;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * What every peer of a driver shares: the engine, the settings, the way out (transport), snapshot
 * files and the worker that builds them, the clock, where peers publish their {@link PeerView}s,
 * and the apply pool with the links between regions' machines. One per driver.
 */
record PeerContext(KvEngine engine, PeerDriverConfig config, RaftTransport transport, SnapshotPaths snapshotPaths,
        Executor snapshotWorker, Ticker ticker, Publisher publisher, LongConsumer beforeApply,
        BatchSystem<ApplyFsm> applySystem, ApplyFsm.Links links, LongAdder appliedEntries) {

    /** Receives peers' views; called on the peer's raft poller. */
    interface Publisher {
        /** {@code view} replaces the region's previous view; {@code shapeChanged} when region or health moved. */
        void publish(PeerView view, boolean shapeChanged);
    }
}
