package io.kvasir.pd;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A PD over a real RocksDB engine in a directory, served over gRPC (Netty) on 127.0.0.1 with a
 * free port, with a manual clock and a seeded random. {@link #restart()} closes everything and
 * opens it again on the same directory, as a process restart would.
 */
final class PdTestCluster implements AutoCloseable {
    /** Small RocksDB settings: tests need no 256 MiB cache. */
    static final RocksDbOptions ENGINE_OPTIONS =
            new RocksDbOptions(8L << 20, 1L << 20, 2, 2, 20, 36, 1L << 30, 2L << 30, "none", 64 << 10, 64 << 20);

    final Path dir;
    final ManualClock clock;
    private final PdSettings settings;
    private long seed;

    RocksDbEngine engine;
    PdState state;
    private Server server;
    private ManagedChannel channel;
    PDGrpc.PDStub async;

    private PdTestCluster(Builder b) {
        this.dir = b.dir;
        this.clock = b.clock;
        this.settings = b.settings;
        this.seed = b.seed;
    }

    static Builder builder(Path dir) {
        return new Builder(dir);
    }

    static PdTestCluster start(Path dir) {
        return builder(dir).start();
    }

    /** Builds test clusters; defaults: clock at 2024-01-01, seed 42, PD's default settings. */
    static final class Builder {
        private final Path dir;
        private ManualClock clock = ManualClock.at2024();
        private PdSettings settings = PdSettings.of("http://127.0.0.1:2379");
        private long seed = 42;

        private Builder(Path dir) {
            this.dir = dir;
        }

        Builder clock(ManualClock c) {
            this.clock = c;
            return this;
        }

        Builder seed(long s) {
            this.seed = s;
            return this;
        }

        Builder settings(PdSettings s) {
            this.settings = s;
            return this;
        }

        PdTestCluster start() {
            PdTestCluster cluster = new PdTestCluster(this);
            cluster.open();
            return cluster;
        }
    }

    private void open() {
        engine = RocksDbEngine.open(dir.resolve("engine"), ENGINE_OPTIONS);
        // A different seed per start: an identity that survives restart must come from disk.
        state = PdState.open(engine, settings, clock, new SplittableRandom(seed++));
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new PdService(state))
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        async = PDGrpc.newStub(channel);
    }

    /** Closes the server, the PD state and the engine, then opens them again on the same directory. */
    void restart() {
        close();
        open();
    }

    ManagedChannel channel() {
        return channel;
    }

    Pdpb.RequestHeader header() {
        return Pdpb.RequestHeader.newBuilder().setClusterId(state.clusterId()).build();
    }

    /** A fresh blocking stub (deadlines count from the moment a stub is made). */
    PDGrpc.PDBlockingStub pd() {
        return PDGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    long allocId() {
        return pd().allocID(Pdpb.AllocIDRequest.newBuilder().setHeader(header()).build()).getId();
    }

    /**
     * Bootstraps as TiKV does: ids from AllocID, store "127.0.0.1:20160", one region covering
     * every key with one peer on that store. Returns the region.
     */
    Metapb.Region bootstrap() {
        long storeId = allocId();
        long regionId = allocId();
        long peerId = allocId();
        Metapb.Store store = Metapb.Store.newBuilder().setId(storeId).setAddress("127.0.0.1:20160").setVersion("7.1.0").build();
        Metapb.Region region = Metapb.Region.newBuilder()
                .setId(regionId)
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(1).setConfVer(1))
                .addPeers(Metapb.Peer.newBuilder().setId(peerId).setStoreId(storeId))
                .build();
        Pdpb.BootstrapResponse response = pd().bootstrap(
                Pdpb.BootstrapRequest.newBuilder().setHeader(header()).setStore(store).setRegion(region).build());
        if (response.getHeader().hasError()) {
            throw new AssertionError("bootstrap failed: " + response.getHeader().getError());
        }
        return region;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
            awaitQuietly(() -> channel.awaitTermination(10, TimeUnit.SECONDS));
            channel = null;
        }
        if (server != null) {
            server.shutdownNow();
            awaitQuietly(() -> server.awaitTermination(10, TimeUnit.SECONDS));
            server = null;
        }
        if (state != null) {
            state.close();
            state = null;
        }
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    private interface Await {
        boolean await() throws InterruptedException;
    }

    private static void awaitQuietly(Await await) {
        try {
            if (!await.await()) {
                throw new AssertionError("gRPC did not shut down within " + Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while shutting down", e);
        }
    }
}
