package io.kvasir.raft.store;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerDriverConfig;
import io.kvasir.raft.store.peer.PeerView;
import io.kvasir.raft.store.peer.RaftTransport;
import io.kvasir.raft.store.peer.Ticker;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * N stores in one JVM (TiKV's {@code test_raftstore}): each a real engine, {@link PeerDriver} and
 * {@link LocalRegionStore}, joined by a router that can drop, delay and partition messages between
 * chosen stores. Time is a manual clock: Raft ticks only when a test calls {@link #tick}, so
 * elections and leases happen when the test says. Stores can be stopped and restarted on their
 * data. There is no PD: tests propose membership changes themselves.
 */
final class ClusterHarness implements AutoCloseable {

    static final long TICK_MILLIS = 100;
    static final long FIRST_REGION = 1;

    /** The peer id of {@code region}'s peer on {@code store} in a bootstrapped cluster. */
    static long peerId(long store) {
        return 100 + store;
    }

    final class Node {
        final long storeId;
        final KvEngine engine;
        final PeerDriver driver;
        final LocalRegionStore regions;

        Node(long storeId) {
            this.storeId = storeId;
            Path base = dir.resolve("store-" + storeId);
            this.engine = RocksDbEngine.open(base.resolve("db"), RocksDbOptions.defaults());
            this.driver = new PeerDriver(engine, config, ticker, message -> route(storeId, message),
                    snapshotPaths(storeId));
            driver.start();
            this.regions = new LocalRegionStore(storeId, engine, driver, 10_000, completions);
            for (Metapb.Region region : RegionStates.loadAll(engine)) {
                driver.open(region, RegionPeers.onStore(region, storeId)).join();
            }
        }

        void close() {
            driver.close();
            engine.close();
        }
    }

    private final Path dir;
    private final PeerDriverConfig config;
    private final ManualTicker ticker = new ManualTicker();
    private final ExecutorService completions = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor();
    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    private final Set<Long> storeIds;
    /** Pairs (from, to) whose messages are dropped. */
    private final Set<List<Long>> blocked = ConcurrentHashMap.newKeySet();
    private volatile Predicate<RaftMessage> dropIf = m -> false;
    private volatile long delayMillis;
    final AtomicLong snapshotsSent = new AtomicLong();

    ClusterHarness(Path dir, int stores, PeerDriverConfig config) {
        this.dir = dir;
        this.config = config;
        this.storeIds = new java.util.TreeSet<>();
        for (long s = 1; s <= stores; s++) {
            storeIds.add(s);
        }
    }

    static PeerDriverConfig defaultConfig() {
        return PeerDriverConfig.builder().tickMillis(TICK_MILLIS).build();
    }

    /** Starts every store with region 1 covering all keys, with a voter on each of {@code voterStores}. */
    ClusterHarness bootstrap(long... voterStores) {
        Metapb.Region.Builder region = Metapb.Region.newBuilder().setId(FIRST_REGION)
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        for (long s : voterStores) {
            region.addPeers(Metapb.Peer.newBuilder().setId(peerId(s)).setStoreId(s));
        }
        Metapb.Region r = region.build();
        for (long s : voterStores) {
            Path db = dir.resolve("store-" + s).resolve("db");
            try (RocksDbEngine engine = RocksDbEngine.open(db, RocksDbOptions.defaults())) {
                RegionStates.save(engine, r);
            }
        }
        for (long s : storeIds) {
            start(s);
        }
        return this;
    }

    void start(long storeId) {
        nodes.put(storeId, new Node(storeId));
    }

    void stop(long storeId) {
        Node n = nodes.remove(storeId);
        if (n != null) {
            n.close();
        }
    }

    Node node(long storeId) {
        Node n = nodes.get(storeId);
        if (n == null) {
            throw new IllegalStateException("store " + storeId + " is stopped");
        }
        return n;
    }

    SnapshotPaths snapshotPaths(long storeId) {
        return new SnapshotPaths(dir.resolve("store-" + storeId).resolve("snap"));
    }

    // ---- the network --------------------------------------------------------------------------------

    /** Cuts every link between the two groups of stores, both ways. */
    void partition(Set<Long> a, Set<Long> b) {
        for (long x : a) {
            for (long y : b) {
                blocked.add(List.of(x, y));
                blocked.add(List.of(y, x));
            }
        }
    }

    void isolate(long storeId) {
        Set<Long> others = new java.util.TreeSet<>(storeIds);
        others.remove(storeId);
        partition(Set.of(storeId), others);
    }

    void heal() {
        blocked.clear();
        dropIf = m -> false;
        delayMillis = 0;
    }

    void dropIf(Predicate<RaftMessage> filter) {
        this.dropIf = filter;
    }

    void delay(long millis) {
        this.delayMillis = millis;
    }

    private void route(long from, RaftMessage m) {
        long to = m.getToPeer().getStoreId();
        if (blocked.contains(List.of(from, to)) || dropIf.test(m)) {
            return;
        }
        long delay = delayMillis;
        if (delay > 0) {
            delayed.schedule(() -> deliver(from, to, m), delay,
                    TimeUnit.MILLISECONDS);
        } else {
            deliver(from, to, m);
        }
    }

    private void deliver(long from, long to, RaftMessage m) {
        Node target = nodes.get(to);
        Node sender = nodes.get(from);
        if (target == null) {
            if (sender != null) {
                sender.driver.reportUnreachable(m.getRegionId(), m.getToPeer().getId());
            }
            return;
        }
        if (m.getMessage().getMsgType() == MessageType.MsgSnapshot) {
            SnapKey key = SnapKey.of(m);
            try {
                copyDir(snapshotPaths(from).generated(key), snapshotPaths(to).received(key));
            } catch (RuntimeException e) {
                if (sender != null) {
                    sender.driver.reportSnapshot(m.getRegionId(), m.getToPeer().getId(), false);
                }
                return;
            }
            snapshotsSent.incrementAndGet();
            target.driver.step(m);
            if (sender != null) {
                sender.driver.reportSnapshot(m.getRegionId(), m.getToPeer().getId(), true);
            }
            return;
        }
        target.driver.step(m);
    }

    private static void copyDir(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- time ---------------------------------------------------------------------------------------

    /** Advances the clock by {@code n} ticks, letting every store's driver run a pass after each. */
    void tick(int n) {
        for (int i = 0; i < n; i++) {
            ticker.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
            settle();
        }
    }

    /** Lets every driver handle what it was handed (ticks due included), and messages in flight land. */
    void settle() {
        for (int round = 0; round < 3; round++) {
            for (Node n : nodes.values()) {
                n.driver.barrier().join();
            }
        }
    }

    /** Ticks until {@code condition} holds; fails after {@code maxTicks}. */
    void tickUntil(String what, int maxTicks, BooleanSupplier condition) {
        for (int i = 0; i < maxTicks; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            tick(1);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("not reached after " + maxTicks + " ticks: " + what + "\n" + describe());
        }
    }

    long nowNanos() {
        return ticker.nanos();
    }

    // ---- regions ------------------------------------------------------------------------------------

    /** The store whose peer of {@code regionId} leads it, or 0. */
    long leaderStore(long regionId) {
        for (Node n : nodes.values()) {
            PeerView v = n.driver.view(regionId);
            if (v != null && v.isLeader()) {
                return n.storeId;
            }
        }
        return 0;
    }

    long awaitLeader(long regionId) {
        tickUntil("a leader of region " + regionId, 200, () -> leaderStore(regionId) != 0);
        return leaderStore(regionId);
    }

    PeerView view(long storeId, long regionId) {
        return node(storeId).driver.view(regionId);
    }

    Metapb.Region region(long storeId, long regionId) {
        PeerView v = view(storeId, regionId);
        return v == null ? null : v.region();
    }

    // ---- client -------------------------------------------------------------------------------------

    Kvrpcpb.Context context(long storeId, long regionId) {
        PeerView v = view(storeId, regionId);
        return Kvrpcpb.Context.newBuilder().setRegionId(regionId).setRegionEpoch(v.region().getRegionEpoch())
                .setPeer(v.self()).build();
    }

    /** Writes through {@code storeId}'s peer (which must lead). */
    CompletableFuture<Void> put(long storeId, String key, String value) {
        LocalRegionStore s = node(storeId).regions;
        RegionRoute route = s.route(context(storeId, FIRST_REGION));
        return s.write(route, List.of(RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.Put)
                .setPut(RaftCmdpb.PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value))).build()));
    }

    /** Writes through whichever store leads, ticking until one does. */
    void putAtLeader(String key, String value) {
        long leader = awaitLeader(FIRST_REGION);
        CompletableFuture<Void> f = put(leader, key, value);
        tickUntil("put " + key, 100, f::isDone);
        f.join();
    }

    /** The region holding {@code key} as {@code storeId} sees it, or null. */
    PeerView regionOf(long storeId, String key) {
        ByteString k = utf8(key);
        for (PeerView v : node(storeId).driver.views()) {
            Metapb.Region r = v.region();
            if (v.initialized() && ByteString.unsignedLexicographicalComparator().compare(r.getStartKey(), k) <= 0
                    && (r.getEndKey().isEmpty() || ByteString.unsignedLexicographicalComparator().compare(k, r.getEndKey()) < 0)) {
                return v;
            }
        }
        return null;
    }

    /**
     * Writes {@code key} through whichever store leads the region holding it, retrying as a client
     * does on region errors (not leader, stale epoch) until it is applied.
     */
    void putRouted(String key, String value) {
        for (int attempt = 0; attempt < 200; attempt++) {
            for (Node n : new ArrayList<>(nodes.values())) {
                PeerView v = regionOf(n.storeId, key);
                if (v == null || !v.isLeader()) {
                    continue;
                }
                try {
                    Kvrpcpb.Context ctx = Kvrpcpb.Context.newBuilder().setRegionId(v.regionId())
                            .setRegionEpoch(v.region().getRegionEpoch()).setPeer(v.self()).build();
                    CompletableFuture<Void> f = n.regions.write(n.regions.route(ctx), List.of(RaftCmdpb.Request.newBuilder()
                            .setCmdType(RaftCmdpb.CmdType.Put)
                            .setPut(RaftCmdpb.PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value))).build()));
                    for (int i = 0; i < 50 && !f.isDone(); i++) {
                        tick(1);
                    }
                    f.join();
                    return;
                } catch (RuntimeException retry) {
                    // not leader any more, or the region changed shape: look again
                }
            }
            tick(1);
        }
        throw new AssertionError("could not write " + key + "\n" + describe());
    }

    /** Proposes an admin command at the leader of {@code regionId}. */
    CompletableFuture<Void> proposeAdmin(long regionId, RaftCmdpb.AdminRequest admin) {
        long leader = awaitLeader(regionId);
        PeerView v = view(leader, regionId);
        return node(leader).driver.propose(regionId, RaftCmdpb.RaftCmdRequest.newBuilder()
                .setHeader(RaftCmdpb.RaftRequestHeader.newBuilder().setRegionId(regionId).setPeer(v.self())
                        .setRegionEpoch(v.region().getRegionEpoch()))
                .setAdminRequest(admin).build());
    }

    /** A linearizable read through {@code storeId}'s peer (lease or ReadIndex). */
    CompletableFuture<String> get(long storeId, String key) {
        LocalRegionStore s = node(storeId).regions;
        RegionRoute route = s.route(context(storeId, FIRST_REGION));
        return s.snapshot(route).thenApply(snap -> {
            try (Snapshot view = snap) {
                byte[] v = view.get(ColumnFamily.DEFAULT, DataKeys.data(key.getBytes(StandardCharsets.UTF_8)));
                return v == null ? null : new String(v, StandardCharsets.UTF_8);
            }
        });
    }

    /** What a store's engine holds for {@code key}, applied or not yet, read directly. */
    String engineValue(long storeId, String key) {
        byte[] v = node(storeId).engine.get(ColumnFamily.DEFAULT, DataKeys.data(key.getBytes(StandardCharsets.UTF_8)));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** Proposes an admin command at the leader of the first region. */
    CompletableFuture<Void> proposeAdmin(RaftCmdpb.AdminRequest admin) {
        return proposeAdmin(FIRST_REGION, admin);
    }

    static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        Map<Long, Node> sorted = new TreeMap<>(nodes);
        for (Node n : sorted.values()) {
            PeerView v = n.driver.view(FIRST_REGION);
            sb.append("  store ").append(n.storeId).append(": ")
                    .append(v == null ? "no peer" : "peer " + v.self().getId() + " leader " + v.leaderPeerId() + " term "
                            + v.term() + " members " + v.region().getPeersList().stream().map(p -> p.getId() + ":" + p.getRole()).toList())
                    .append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Node n : new ArrayList<>(nodes.values())) {
            n.close();
        }
        nodes.clear();
        completions.shutdownNow();
        delayed.shutdownNow();
    }

    static final class ManualTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long nanos() {
            return nanos.get();
        }
    }
}
