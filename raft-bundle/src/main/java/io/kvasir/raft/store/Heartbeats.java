package io.kvasir.raft.store;

import io.grpc.stub.StreamObserver;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.kvasir.raft.store.peer.PeerView;
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
    private final Supplier<Collection<PeerView>> regions;
    private final Consumer<Pdpb.RegionHeartbeatResponse> operators;
    private final Clock clock;
    private final long startTimeSeconds;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvasir-pd-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param regions       the views of the regions this store holds (it reports those it leads)
     * @param operators     what to do with PD's answers (membership changes, leader transfers)
     */
    Heartbeats(PdClient pd, KvEngine engine, long storeId, StoreSettings settings,
               Supplier<Collection<PeerView>> regions, Consumer<Pdpb.RegionHeartbeatResponse> operators,
               Clock clock) {
        this.pd = pd;
        this.engine = engine;
        this.storeId = storeId;
        this.settings = settings;
        this.regions = regions;
        this.operators = operators;
        this.clock = clock;
        this.startTimeSeconds = clock.instant().getEpochSecond();
    }

    void start() {
        long store = settings.storeHeartbeatInterval().toMillis();
        long region = settings.regionHeartbeatInterval().toMillis();
        timer.scheduleWithFixedDelay(this::sendStoreHeartbeat, 0, store, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::sendRegionHeartbeats, 0, region, TimeUnit.MILLISECONDS);
    }

    /** Reports a region at once, e.g. after its members, leader or lagging peers changed. */
    void regionChanged(PeerView region) {
        try {
            timer.execute(() -> sendRegionHeartbeat(region));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // stopping
        }
    }

    private void sendStoreHeartbeat() {
        try {
            pd.storeHeartbeat(storeStats());
        } catch (RuntimeException e) {
            LOG.warn("store heartbeat to PD failed: {}", e.getMessage());
        }
    }

    private void sendRegionHeartbeats() {
        for (PeerView r : regions.get()) {
            sendRegionHeartbeat(r);
        }
    }

    private void sendRegionHeartbeat(PeerView r) {
        if (!r.isLeader() || !r.initialized()) {
            return;
        }
        try {
            KeyRange range = KeyRange.of(DataKeys.data(r.region().getStartKey().toByteArray()),
                    DataKeys.dataEnd(r.region().getEndKey().toByteArray()));
            Pdpb.RegionHeartbeatRequest.Builder request = Pdpb.RegionHeartbeatRequest.newBuilder()
                    .setRegion(r.region())
                    .setLeader(r.self())
                    .addAllPendingPeers(r.pendingPeers())
                    .addAllDownPeers(r.downPeers())
                    .setApproximateSize(engine.approximateSize(range, ColumnFamily.DATA))
                    .setApproximateKeys(engine.approximateKeys(range, ColumnFamily.DATA));
            pd.regionHeartbeat(request, responses);
        } catch (RuntimeException e) {
            LOG.warn("region {} heartbeat to PD failed: {}", r.region().getId(), e.getMessage());
        }
    }

    private Pdpb.StoreStats storeStats() {
        Pdpb.StoreStats.Builder stats = Pdpb.StoreStats.newBuilder()
                .setStoreId(storeId)
                .setRegionCount(regions.get().size())
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

    // PD's operators (add peer, transfer leader, ...) arrive here, on a gRPC thread.
    private final StreamObserver<Pdpb.RegionHeartbeatResponse> responses = new StreamObserver<>() {
        @Override
        public void onNext(Pdpb.RegionHeartbeatResponse value) {
            try {
                operators.accept(value);
            } catch (RuntimeException e) {
                LOG.warn("region {}: PD operator failed: {}", value.getRegionId(), e.toString());
            }
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
