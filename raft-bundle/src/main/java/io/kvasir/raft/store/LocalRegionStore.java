package io.kvasir.raft.store;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
    private volatile RegionSplitter splitter;
    private final AtomicLong localReads = new AtomicLong();
    private final AtomicLong readIndexReads = new AtomicLong();

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


    @Override
    public List<RegionRoute> leaderRegions() {
        List<RegionRoute> led = new ArrayList<>();
        for (PeerView view : driver.views()) {
            if (view.initialized() && view.isLeader() && view.mergeTargetId() == 0) {
                led.add(new RegionRoute(view.region(), view.self()));
            }
        }
        led.sort((a, b) -> Arrays.compareUnsigned(a.region().getStartKey().toByteArray(),
                b.region().getStartKey().toByteArray()));
        return led;
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
        PeerView view = driver.view(regionId);
        if (view == null || !view.initialized()) {
            throw RegionErrors.regionNotFound(regionId);
        }
        Metapb.Region region = view.region();
        Metapb.Peer self = view.self();
        if (context.getPeer().getId() != 0 && context.getPeer().getId() != self.getId()) {
            throw RegionErrors.peerMismatch(regionId, context.getPeer().getId(), self.getId());
        }
        if (!view.isLeader()) {
            // A follower serves a read only when the client asked for one (replica_read), and
            // then through ReadIndex, so it is as fresh as the leader's; everything else, writes
            // included, learns where the leader is. Stale reads need a safe timestamp this store
            // does not keep: refused, so the client reads from the leader.
            if (context.getStaleRead()) {
                throw RegionErrors.dataIsNotReady(regionId, self.getId());
            }
            if (!context.getReplicaRead()) {
                throw RegionErrors.notLeader(regionId, RegionPeers.byId(region, view.leaderPeerId()));
            }
        }
        Metapb.RegionEpoch asked = context.getRegionEpoch();
        Metapb.RegionEpoch current = region.getRegionEpoch();
        if (asked.getVersion() != current.getVersion() || asked.getConfVer() != current.getConfVer()) {
            throw RegionErrors.epochNotMatch(asked, withSplitSibling(region));
        }
        return new RegionRoute(region, self);
    }

    /**
     * The region, and the region a split most likely took the request's keys to, as TiKV answers
     * EpochNotMatch: splits here derive to the right, so the new regions lie to the left, and the
     * nearest is the one ending where this region now starts. A client updates its region cache
     * from both, sparing a PD lookup for the keys that moved.
     */
    private List<Metapb.Region> withSplitSibling(Metapb.Region region) {
        if (region.getStartKey().isEmpty()) {
            return List.of(region);
        }
        for (PeerView other : driver.views()) {
            if (other.initialized() && other.region().getEndKey().equals(region.getStartKey())) {
                return List.of(region, other.region());
            }
        }
        return List.of(region);
    }

    /**
     * A leader within its lease reads the engine at once, on the caller's thread (TiKV's local
     * reader): no other leader can have acknowledged a write since the lease began, and this one
     * applied all of its own. Otherwise the read goes through ReadIndex, which confirms leadership
     * with a quorum and waits until the read point is applied; on a follower (a replica read),
     * the follower asks its leader for the read point and waits until it applied that far.
     */
    @Override
    public CompletableFuture<Snapshot> snapshot(RegionRoute route) {
        PeerView view = driver.view(route.regionId());
        if (view != null && view.leaseValidAt(driver.ticker().nanos())
                && view.region().getRegionEpoch().equals(route.region().getRegionEpoch())) {
            localReads.incrementAndGet();
            return CompletableFuture.completedFuture(engine.snapshot());
        }
        readIndexReads.incrementAndGet();
        return driver.readIndex(route.regionId())
                .handleAsync((done, failure) -> {
                    if (failure != null) {
                        throw new CompletionException(PeerErrors.toRegionError(failure, route.region()));
                    }
                    return engine.snapshot();
                }, completions);
    }

    @Override
    public CompletableFuture<List<Metapb.Region>> split(RegionRoute route, List<ByteString> splitKeys) {
        RegionSplitter s = splitter;
        if (s == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this store cannot split regions"));
        }
        return s.split(route.regionId(), splitKeys).handleAsync((regions, failure) -> {
            if (failure != null) {
                throw new CompletionException(PeerErrors.toRegionError(failure, route.region()));
            }
            return regions;
        }, completions);
    }

    @Override
    public io.kvasir.engine.api.EngineStats engineStats() {
        return engine.stats();
    }

    /** Where splits go; set once the store talks to PD. */
    void splitter(RegionSplitter s) {
        this.splitter = s;
    }

    /** Reads served from the lease, and through ReadIndex, since start. */
    long[] readCounts() {
        return new long[] {localReads.get(), readIndexReads.get()};
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
