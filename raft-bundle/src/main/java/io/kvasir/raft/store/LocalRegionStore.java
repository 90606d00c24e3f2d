package io.kvasir.raft.store;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.raft.store.peer.PeerDriver;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link RegionStore} of one store: routes requests by the regions this store holds, reads
 * from the engine, and writes through each region's Raft group ({@link PeerDriver}).
 *
 * <p>The checks run in TiKV's order: the store, the region, the peer, leadership, the epoch.
 * Both parts of the epoch must match: a client with a stale view is sent back to PD rather than
 * served from a region that has since changed shape.
 */
final class LocalRegionStore implements RegionStore {
    private final long storeId;
    private final KvEngine engine;
    private final PeerDriver driver;
    private final Executor completions;
    private final int maxInflightWrites;
    private final AtomicInteger inflightWrites = new AtomicInteger();
    private final Map<Long, Metapb.Region> regions = new ConcurrentHashMap<>();

    /**
     * @param completions where write futures complete: the driver's thread must go back to its
     *                    loop at once, not run the callers' continuations (responses, next latch)
     */
    LocalRegionStore(long storeId, KvEngine engine, PeerDriver driver, int maxInflightWrites, Executor completions) {
        this.maxInflightWrites = maxInflightWrites;
        this.storeId = storeId;
        this.engine = engine;
        this.driver = driver;
        this.completions = completions;
    }

    void add(Metapb.Region region) {
        regions.put(region.getId(), region);
    }

    Collection<Metapb.Region> regions() {
        return regions.values();
    }

    @Override
    public long storeId() {
        return storeId;
    }

    @Override
    public RegionRoute route(Kvrpcpb.Context context) {
        long requestedStore = context.getPeer().getStoreId();
        if (requestedStore != 0 && requestedStore != storeId) {
            throw RegionErrors.storeNotMatch(requestedStore, storeId);
        }
        long regionId = context.getRegionId();
        Metapb.Region region = regions.get(regionId);
        if (region == null) {
            throw RegionErrors.regionNotFound(regionId);
        }
        Metapb.Peer self = RegionPeers.onStore(region, storeId);
        if (context.getPeer().getId() != 0 && context.getPeer().getId() != self.getId()) {
            throw RegionErrors.peerMismatch(regionId, context.getPeer().getId(), self.getId());
        }
        if (!driver.isLeader(regionId)) {
            throw RegionErrors.notLeader(regionId, RegionPeers.byId(region, driver.leaderOf(regionId)));
        }
        Metapb.RegionEpoch asked = context.getRegionEpoch();
        Metapb.RegionEpoch current = region.getRegionEpoch();
        if (asked.getVersion() != current.getVersion() || asked.getConfVer() != current.getConfVer()) {
            throw RegionErrors.epochNotMatch(asked, List.of(region));
        }
        return new RegionRoute(region, self);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(RegionRoute route) {
        // One replica, and writes complete only once applied: the engine is always up to date.
        // Replication will put a lease check or a ReadIndex here.
        return CompletableFuture.completedFuture(engine.snapshot());
    }

    @Override
    public CompletableFuture<Void> write(RegionRoute route, List<RaftCmdpb.Request> requests) {
        RaftCmdpb.RaftCmdRequest command = RaftCmdpb.RaftCmdRequest.newBuilder()
                .setHeader(RaftCmdpb.RaftRequestHeader.newBuilder()
                        .setRegionId(route.regionId())
                        .setPeer(route.peer())
                        .setRegionEpoch(route.region().getRegionEpoch()))
                .addAllRequests(requests)
                .build();
        // Past this many writes in flight the store answers ServerIsBusy, which makes clients back
        // off, instead of queueing without bound and timing every request out.
        if (inflightWrites.incrementAndGet() > maxInflightWrites) {
            inflightWrites.decrementAndGet();
            return CompletableFuture.failedFuture(RegionErrors.serverIsBusy(
                    "more than " + maxInflightWrites + " writes in flight on store " + storeId));
        }
        return driver.propose(route.regionId(), command)
                .handleAsync((done, failure) -> {
                    inflightWrites.decrementAndGet();
                    if (failure != null) {
                        throw new CompletionException(PeerErrors.toRegionError(failure, route.region()));
                    }
                    return done;
                }, completions);
    }
}
