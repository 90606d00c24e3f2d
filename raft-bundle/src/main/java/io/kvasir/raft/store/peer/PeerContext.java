package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.CommitMergeRequest;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

/**
 * What every peer of a driver shares: the engine, the settings, the way out (transport), snapshot
 * files and the worker that builds them, the clock, and where peers publish their
 * {@link PeerView}s. One per driver.
 */
record PeerContext(KvEngine engine, PeerDriverConfig config, RaftTransport transport, SnapshotPaths snapshotPaths,
        Executor snapshotWorker, Ticker ticker, Publisher publisher, LongConsumer beforeApply, MergeSources mergeSources) {

    /** Finds this store's peer of a merge's source region for the target applying the merge. */
    interface MergeSources {
        /** See {@link Applier.MergeSourceCatchUp}; called on the driver thread. */
        Metapb.Region catchUp(RegionPeer target, CommitMergeRequest request);
    }

    /** Receives peers' views; called on the driver thread. */
    interface Publisher {
        /** {@code view} replaces the region's previous view; {@code shapeChanged} when region or health moved. */
        void publish(PeerView view, boolean shapeChanged);
    }
}
