package io.kvasir.raft.store;

import io.grpc.stub.StreamObserver;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.raft.api.DataKeys;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells PD how the store and its regions are: a store heartbeat (capacity, space, region count)
 * and, for each region this store leads, a region heartbeat carrying the region, its leader and
 * its approximate size. Periodic, and at once when a region changes, so PD routes clients to the
 * new state without waiting for the next round.
 */
final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final PdClient pd;
    private final KvEngine engine;
    private final long storeId;
    private final StoreSettings settings;
    private final Supplier<Collection<LeaderRegion>> leaderRegions;
    private final Clock clock;
    private final long startTimeSeconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvasir-pd-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /** A region this store leads, with the leader peer to report. */
    record LeaderRegion(Metapb.Region region, Metapb.Peer leader) {
    }

    Heartbeats(PdClient pd, KvEngine engine, long storeId, StoreSettings settings,
               Supplier<Collection<LeaderRegion>> leaderRegions, Clock clock) {
        this.pd = pd;
        this.engine = engine;
        this.storeId = storeId;
        this.settings = settings;
        this.leaderRegions = leaderRegions;
        this.clock = clock;
        this.startTimeSeconds = clock.instant().getEpochSecond();
    }

    void start() {
        long store = settings.storeHeartbeatInterval().toMillis();
        long region = settings.regionHeartbeatInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sendStoreHeartbeat, 0, store, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sendRegionHeartbeats, 0, region, TimeUnit.MILLISECONDS);
    }

    /** Reports a region at once, e.g. after it was created or changed. */
    void regionChanged(LeaderRegion region) {
        timer.execute(() -> sendRegionHeartbeat(region));
    }

    private void sendStoreHeartbeat() {
        try {
            pd.storeHeartbeat(storeStats());
        } catch (RuntimeException e) {
            LOG.warn("store heartbeat to PD failed: {}", e.getMessage());
        }
    }

    private void sendRegionHeartbeats() {
        for (LeaderRegion r : leaderRegions.get()) {
            sendRegionHeartbeat(r);
        }
    }

    private void sendRegionHeartbeat(LeaderRegion r) {
        try {
            KeyRange range = KeyRange.of(DataKeys.data(r.region().getStartKey().toByteArray()),
                    DataKeys.dataEnd(r.region().getEndKey().toByteArray()));
            Pdpb.RegionHeartbeatRequest.Builder request = Pdpb.RegionHeartbeatRequest.newBuilder()
                    .setRegion(r.region())
                    .setLeader(r.leader())
                    .setApproximateSize(engine.approximateSize(range, ColumnFamily.DATA))
                    .setApproximateKeys(engine.approximateKeys(range, ColumnFamily.DATA));
            pd.regionHeartbeat(request, IGNORE_OPERATORS);
        } catch (RuntimeException e) {
            LOG.warn("region {} heartbeat to PD failed: {}", r.region().getId(), e.getMessage());
        }
    }

    private Pdpb.StoreStats storeStats() {
        Pdpb.StoreStats.Builder stats = Pdpb.StoreStats.newBuilder()
                .setStoreId(storeId)
                .setRegionCount(leaderRegions.get().size())
                .setStartTime((int) startTimeSeconds)
                .setUsedSize(engine.approximateSize(KeyRange.ALL, ColumnFamily.DATA));
        try {
            FileStore disk = Files.getFileStore(engine.path());
            stats.setCapacity(disk.getTotalSpace()).setAvailable(disk.getUsableSpace());
        } catch (IOException e) {
            LOG.debug("cannot read disk space of {}: {}", engine.path(), e.toString());
        }
        return stats.build();
    }

    // Scheduling operators (add peer, transfer leader, ...) arrive here; they come with replication.
    private static final StreamObserver<Pdpb.RegionHeartbeatResponse> IGNORE_OPERATORS = new StreamObserver<>() {
        @Override
        public void onNext(Pdpb.RegionHeartbeatResponse value) {
            LOG.debug("PD operator for region {} ignored: no scheduling yet", value.getRegionId());
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    };

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
