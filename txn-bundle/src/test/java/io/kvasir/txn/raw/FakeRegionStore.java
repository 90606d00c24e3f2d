package io.kvasir.txn.raw;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** One region on a real engine, written directly (no Raft): what RawKv needs of a store, and no more. */
public final class FakeRegionStore implements RegionStore {
    final KvEngine engine;
    final Metapb.Region region;
    public final AtomicInteger writes = new AtomicInteger();

    public FakeRegionStore(KvEngine engine, Metapb.Region region) {
        this.engine = engine;
        this.region = region;
    }

    /** A store whose one region (id 1, epoch 1/1, peer 1 on store 1) covers every key. */
    public static FakeRegionStore wholeKeySpace(KvEngine engine) {
        return new FakeRegionStore(engine, Metapb.Region.newBuilder().setId(1)
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(1).setConfVer(1))
                .addPeers(Metapb.Peer.newBuilder().setId(1).setStoreId(1)).build());
    }

    public Kvrpcpb.Context context() {
        return Kvrpcpb.Context.newBuilder().setRegionId(region.getId()).setRegionEpoch(region.getRegionEpoch())
                .setPeer(region.getPeers(0)).build();
    }

    @Override
    public long storeId() {
        return 1;
    }

    @Override
    public RegionRoute route(Kvrpcpb.Context context) {
        if (context.getRegionId() != region.getId()) {
            throw RegionErrors.regionNotFound(context.getRegionId());
        }
        return new RegionRoute(region, region.getPeers(0));
    }

    @Override
    public CompletableFuture<Snapshot> snapshot(RegionRoute route) {
        return CompletableFuture.completedFuture(engine.snapshot());
    }

    @Override
    public CompletableFuture<Void> write(RegionRoute route, List<RaftCmdpb.Request> requests) {
        writes.incrementAndGet();
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (RaftCmdpb.Request r : requests) {
                switch (r.getCmdType()) {
                    case Put -> batch.put(cf(r.getPut().getCf()), DataKeys.data(r.getPut().getKey().toByteArray()),
                            r.getPut().getValue().toByteArray());
                    case Delete -> batch.delete(cf(r.getDelete().getCf()), DataKeys.data(r.getDelete().getKey().toByteArray()));
                    case DeleteRange -> batch.deleteRange(cf(r.getDeleteRange().getCf()),
                            DataKeys.data(r.getDeleteRange().getStartKey().toByteArray()),
                            DataKeys.dataEnd(r.getDeleteRange().getEndKey().toByteArray()));
                    default -> throw new IllegalArgumentException(r.getCmdType().toString());
                }
            }
            engine.write(batch, WriteOptions.NO_SYNC);
        }
        return CompletableFuture.completedFuture(null);
    }

    private static ColumnFamily cf(String name) {
        return name.isEmpty() ? ColumnFamily.DEFAULT : ColumnFamily.valueOf(name.toUpperCase());
    }

    /** Whether this store leads its region (what the GC worker goes over). */
    public volatile boolean leader = true;

    @Override
    public List<RegionRoute> leaderRegions() {
        return leader ? List.of(new RegionRoute(region, region.getPeers(0))) : List.of();
    }

    /** When set, the pressure figures the store reports instead of the engine's. */
    public volatile io.kvasir.engine.api.EngineStats stats;

    @Override
    public io.kvasir.engine.api.EngineStats engineStats() {
        io.kvasir.engine.api.EngineStats s = stats;
        return s != null ? s : engine.stats();
    }

    /** One region only: splitting is the store's business, not the storage layer's under test. */
    @Override
    public CompletableFuture<List<Metapb.Region>> split(RegionRoute route, List<com.google.protobuf.ByteString> splitKeys) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("the fake store does not split"));
    }
}
