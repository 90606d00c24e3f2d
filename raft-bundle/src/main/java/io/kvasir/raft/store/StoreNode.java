package io.kvasir.raft.store;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.RaftServerpb;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerDriverConfig;
import io.kvasir.raft.store.peer.PeerView;
import io.kvasir.raft.store.peer.RaftTransport;
import io.kvasir.raft.store.peer.Ticker;
import io.kvasir.raft.store.snap.SnapshotPaths;
import io.kvasir.raft.store.transport.GrpcRaftTransport;
import io.kvasir.raft.store.transport.PdStoreResolver;
import io.kvasir.raft.store.transport.StoreRaftReceiver;
import io.kvasir.raft.store.transport.TransportSettings;
import io.kvasir.raft.api.RaftMessageReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.stream.Stream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store's life: find PD, establish the store's identity, bootstrap the cluster's first region
 * when the cluster is new, register with PD, open every region's Raft group, then serve and
 * heartbeat. Start-up runs on its own thread, because PD may come up after the store.
 */
public final class StoreNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreNode.class);
    private static final int COMPLETION_THREADS = 4;

    private final KvEngine engine;
    private final StoreSettings settings;
    private final Clock clock;
    private final PdClient pd;
    private final Thread starter;
    private final ExecutorService completions = Executors.newFixedThreadPool(COMPLETION_THREADS, r -> {
        Thread t = new Thread(r, "kvasir-store-completion");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private final SnapshotPaths snapshotPaths;
    /** Split checks and the PD calls of splits: off the request path and the Raft loop. */
    private final ScheduledExecutorService splitWorker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvasir-split");
        t.setDaemon(true);
        return t;
    });
    private volatile RaftTransport transport;
    private volatile PeerDriver driver;
    private Heartbeats heartbeats;
    private volatile LocalRegionStore regionStore;
    private Consumer<Serving> onReady = s -> { };
    private final TransportSettings transportSettings;
    private StoreRaftReceiver receiver;

    /**
     * What a store offers once it serves: its regions to the request path, its Raft inbox to other
     * stores, and what it learns from PD to the storage layer's background work.
     */
    public record Serving(RegionStore regions, RaftMessageReceiver raftInbox, ClusterDirectory directory) {
    }

    public StoreNode(KvEngine engine, StoreSettings settings, TransportSettings transportSettings, Clock clock) {
        this.engine = engine;
        this.settings = settings;
        this.transportSettings = transportSettings;
        this.clock = clock;
        this.pd = new PdClient(settings.pdEndpoints(), d -> Thread.sleep(d.toMillis()));
        this.snapshotPaths = new SnapshotPaths(engine.path().resolveSibling(engine.path().getFileName() + "-snap"));
        this.starter = new Thread(this::runStart, "kvasir-store-start");
        this.starter.setDaemon(true);
    }

    /** Starts in the background; {@code onReady} gets what the store serves once it does. */
    public void start(Consumer<Serving> onReady) {
        this.onReady = onReady;
        starter.start();
    }

    private void runStart() {
        try {
            pd.connect(() -> !closed);
            long storeId = establishIdentity();
            List<Metapb.Region> regions = RegionStates.loadAll(engine);
            if (regions.isEmpty()) {
                bootstrapFirstRegion(storeId).ifPresent(regions::add);
            }
            pd.putStore(storeMeta(storeId));
            synchronized (this) {
                if (closed) {
                    return;
                }
                sweepPartialSnapshots();
                driver = new PeerDriver(engine, driverConfig(), Ticker.system(), this::send, snapshotPaths);
                PeerDriver d = driver;
                transport = new GrpcRaftTransport(transportSettings, new PdStoreResolver(pd::getStore), snapshotPaths,
                        new RaftTransport.Feedback() {
                            @Override
                            public void unreachable(long regionId, long toPeerId) {
                                d.reportUnreachable(regionId, toPeerId);
                            }

                            @Override
                            public void snapshotStatus(long regionId, long toPeerId, boolean delivered) {
                                d.reportSnapshot(regionId, toPeerId, delivered);
                            }
                        });
                receiver = new StoreRaftReceiver(snapshotPaths, message -> {
                    // Another store's idea of where this peer lives must match: a message for a
                    // store id that is not ours is a routing mistake, and is dropped.
                    if (message.getToPeer().getStoreId() == storeId) {
                        d.step(message);
                    }
                }, transportSettings.concurrentRecvSnapLimit());
                PdOperators operators = new PdOperators(driver);
                heartbeats = new Heartbeats(pd, engine, storeId, settings, driver::views, operators::handle, clock);
                driver.listener(new PeerDriver.PeerListener() {
                    @Override
                    public void changed(PeerView view) {
                        if (view.isLeader()) {
                            heartbeats.regionChanged(view);
                        }
                    }

                    @Override
                    public void removed(long regionId) {
                    }
                });
                driver.start();
                regionStore = new LocalRegionStore(storeId, engine, driver, settings.maxInflightWrites(), completions);
                RegionSplitter splitter = new RegionSplitter(pd, driver, splitWorker);
                regionStore.splitter(splitter);
                SplitChecker checker = new SplitChecker(engine, driver, splitter::split, settings.splitPolicy());
                long every = settings.splitCheckInterval().toMillis();
                splitWorker.scheduleWithFixedDelay(checker::checkAll, every, every, TimeUnit.MILLISECONDS);
                for (Metapb.Region region : regions) {
                    driver.open(region, RegionPeers.onStore(region, storeId)).join();
                }
                heartbeats.start();
            }
            LOG.info("store {} of cluster {} is serving {} region(s) at {}", storeId, pd.clusterId(),
                    regions.size(), settings.advertiseAddr());
            onReady.accept(new Serving(regionStore, receiver, new PdDirectory(pd)));
        } catch (InterruptedException e) {
            LOG.info("store start-up stopped");
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("store failed to start: {}", e.getMessage(), e);
            }
        }
    }

    private long establishIdentity() {
        Optional<RaftServerpb.StoreIdent> ident = StoreIdentity.load(engine);
        if (ident.isPresent()) {
            if (ident.get().getClusterId() != pd.clusterId()) {
                throw new IllegalStateException("this store belongs to cluster " + ident.get().getClusterId()
                        + " but PD " + settings.pdEndpoints() + " runs cluster " + pd.clusterId()
                        + "; refusing to join it (data dir " + engine.path() + ")");
            }
            return ident.get().getStoreId();
        }
        long storeId = pd.allocId();
        StoreIdentity.save(engine, pd.clusterId(), storeId);
        LOG.info("new store: id {} in cluster {}", storeId, pd.clusterId());
        return storeId;
    }

    /**
     * The first store of a new cluster creates the region that covers every key. Several stores
     * may race; PD lets exactly one bootstrap, and the losers drop the region they prepared.
     */
    private Optional<Metapb.Region> bootstrapFirstRegion(long storeId) {
        if (pd.isBootstrapped()) {
            return Optional.empty();
        }
        Metapb.Region region = Metapb.Region.newBuilder()
                .setId(pd.allocId())
                .setStartKey(ByteString.EMPTY)
                .setEndKey(ByteString.EMPTY)
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .addPeers(Metapb.Peer.newBuilder().setId(pd.allocId()).setStoreId(storeId).setRole(Metapb.PeerRole.Voter))
                .build();
        // Persisted before asking PD, so that a crash in between leaves a region PD may know of.
        RegionStates.save(engine, region);
        try {
            pd.bootstrap(storeMeta(storeId), region);
            LOG.info("bootstrapped the cluster with region {}", region.getId());
            return Optional.of(region);
        } catch (PdException e) {
            if (e.type() != Pdpb.ErrorType.ALREADY_BOOTSTRAPPED) {
                throw e;
            }
            RegionStates.delete(engine, region.getId());
            return Optional.empty();
        }
    }

    private Metapb.Store storeMeta(long storeId) {
        Metapb.Store.Builder store = Metapb.Store.newBuilder()
                .setId(storeId)
                .setAddress(settings.advertiseAddr())
                .setStatusAddress(settings.advertiseStatusAddr())
                .setVersion(StoreSettings.COMPATIBLE_TIKV_VERSION)
                .setState(Metapb.StoreState.Up)
                .setStartTimestamp(clock.instant().getEpochSecond())
                .setDeployPath(engine.path().toAbsolutePath().toString());
        settings.labels().forEach((k, v) -> store.addLabels(Metapb.StoreLabel.newBuilder().setKey(k).setValue(v)));
        return store.build();
    }

    private PeerDriverConfig driverConfig() {
        long gcLimit = settings.raftLogGcCountLimit();
        return PeerDriverConfig.builder()
                .tickMillis(settings.raftBaseTickInterval().toMillis())
                .raftEntryMaxSize(settings.raftEntryMaxSize())
                .raftLogGcCountLimit(gcLimit)
                .raftLogGcKeepEntries(Math.min(PeerDriverConfig.DEFAULT_RAFT_LOG_GC_KEEP_ENTRIES, gcLimit - 1))
                .mergeMaxLogGap(settings.mergeMaxLogGap())
                .mergeCheckTickMillis(settings.mergeCheckTickInterval().toMillis())
                .storePoolSize(settings.storePoolSize())
                .applyPoolSize(settings.applyPoolSize())
                .storeMaxBatchSize(settings.storeMaxBatchSize())
                .applyMaxBatchSize(settings.applyMaxBatchSize())
                .build();
    }

    /** The store's counters for {@link StoreMetrics}; empty until it serves. */
    StoreMetrics.Sample sample() {
        PeerDriver d = driver;
        LocalRegionStore store = regionStore;
        if (d == null || store == null) {
            return StoreMetrics.Sample.EMPTY;
        }
        long[] reads = store.readCounts();
        Collection<PeerView> views = d.views();
        int leaders = (int) views.stream().filter(PeerView::isLeader).count();
        return new StoreMetrics.Sample(d.stats(), reads[0], reads[1], views.size(), leaders);
    }

    /** Partly received snapshots a crash left behind; complete ones ({@code rcv_} without .tmp) may still be needed. */
    private void sweepPartialSnapshots() {
        Path root = snapshotPaths.root();
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (name.endsWith(".tmp") || name.startsWith("gen_")) {
                    SnapshotPaths.delete(dir);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep snapshot directory {}: {}", root, e.toString());
        }
    }

    /** Where the driver's messages go: the transport, once there is one. */
    private void send(RaftServerpb.RaftMessage message) {
        RaftTransport t = transport;
        if (t != null) {
            t.send(message);
        }
    }

    @Override
    public void close() {
        closed = true;
        starter.interrupt();
        try {
            starter.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (heartbeats != null) {
                heartbeats.close();
            }
            if (driver != null) {
                driver.close();
            }
            if (transport instanceof GrpcRaftTransport grpc) {
                grpc.close();
            }
        }
        completions.shutdown();
        splitWorker.shutdownNow();
        pd.close();
    }
}
