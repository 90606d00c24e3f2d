package io.kvasir.raft.api;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A store's regions as the request path sees them: the OSGi service that the storage layer
 * (txn-bundle) routes every request through. It checks a request's context against the regions
 * this store holds, hands out read views, and replicates writes through the region's Raft group.
 *
 * <p>Every method may throw {@link RegionException} carrying the {@code errorpb.Error} the client
 * acts on; futures complete exceptionally with it.
 */
public interface RegionStore {

    /** This store's id, as PD allocated it. */
    long storeId();

    /**
     * Checks {@code context} (region id, peer and store, epoch, leadership) and returns the region
     * the request addresses. Writes must match the epoch exactly; so must reads, as in TiKV.
     *
     * @throws RegionException region_not_found, store_not_match, epoch_not_match (with the current
     *                         regions), not_leader (with the leader when known)
     */
    RegionRoute route(Kvrpcpb.Context context);

    /**
     * A consistent read view of the store's data, taken after everything acknowledged for this
     * region was applied. Keys in the view are data keys ({@link DataKeys#data}). The caller closes it.
     */
    CompletableFuture<Snapshot> snapshot(RegionRoute route);

    /**
     * Replicates and applies {@code requests} (Put, Delete, DeleteRange on user-level keys; the
     * store adds the data prefix) atomically, in one log entry. Completes once the write is
     * durable and applied, so a read that starts afterwards sees it.
     *
     * @throws RegionException raft_entry_too_large, not_leader, epoch_not_match, server_is_busy
     */
    CompletableFuture<Void> write(RegionRoute route, List<RaftCmdpb.Request> requests);

    /**
     * Splits the routed region at {@code splitKeys} (user keys; keys outside the region or at its
     * start are ignored) in one batch split, and completes with the regions that now cover its
     * range, in key order (TiKV's SplitRegion). The new region ids come from PD.
     *
     * @throws RegionException not_leader, epoch_not_match
     */
    CompletableFuture<List<Metapb.Region>> split(RegionRoute route, List<ByteString> splitKeys);

    /**
     * The regions this store leads now (initialized, not merging away), each as the route a
     * request to it would take: for the store's own background work over its regions (GC).
     */
    List<RegionRoute> leaderRegions();

    /** The store engine's pressure figures, for the storage layer's flow control. */
    io.kvasir.engine.api.EngineStats engineStats();
}
