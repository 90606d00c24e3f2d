package io.kvasir.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.api.RaftMessageReceiver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@link TikvService} over fake storages (raw and transactional), served by Netty on 127.0.0.1
 * with the kernel's inbound limit (64 MiB), and a plain-text channel to it. Built with
 * {@link #builder()}.
 */
final class Harness implements AutoCloseable {
    static final int MAX_MESSAGE = 64 << 20;

    static final Kvrpcpb.Context CONTEXT = Kvrpcpb.Context.newBuilder()
            .setRegionId(7)
            .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(2))
            .setPeer(Metapb.Peer.newBuilder().setId(8).setStoreId(1))
            .build();

    final FakeRawStorage storage;
    final FakeTxnStorage txnStorage;
    final RequestMetrics metrics;
    final TikvService service;
    private final Server server;
    private final ForwardingChannels forwardingChannels;
    private final ExecutorService serverExecutor;
    final ManagedChannel channel;

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private int serverThreads;
        private Supplier<RaftMessageReceiver> raftReceiver = () -> null;
        private boolean forwarding;
        private String selfAddress;

        /** Runs calls on a pool of exactly {@code n} threads (default: grpc-java's own pool). */
        Builder serverThreads(int n) {
            this.serverThreads = n;
            return this;
        }

        /** Serves the Raft RPCs from whatever {@code receiver} supplies (default: none, UNAVAILABLE). */
        Builder raftReceiver(Supplier<RaftMessageReceiver> receiver) {
            this.raftReceiver = receiver;
            return this;
        }

        /**
         * Serves behind {@link RequestForwarding}, as the activator does; forwarded calls naming
         * {@code selfAddress} (may be null) are served here.
         */
        Builder forwarding(String selfAddress) {
            this.forwarding = true;
            this.selfAddress = selfAddress;
            return this;
        }

        Harness start() throws IOException {
            return new Harness(this);
        }
    }

    private Harness(Builder builder) throws IOException {
        storage = new FakeRawStorage();
        txnStorage = new FakeTxnStorage();
        AtomicLong fakeNanos = new AtomicLong();
        metrics = new RequestMetrics(() -> fakeNanos.addAndGet(1_000));
        service = new TikvService(storage, txnStorage, metrics, builder.raftReceiver);
        forwardingChannels = builder.forwarding ? new ForwardingChannels(MAX_MESSAGE) : null;
        NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(forwardingChannels == null ? service.bindService() : ServerInterceptors.intercept(
                        service, new RequestForwarding(forwardingChannels, builder.selfAddress)))
                .maxInboundMessageSize(MAX_MESSAGE);
        int serverThreads = builder.serverThreads;
        serverExecutor = serverThreads > 0 ? Executors.newFixedThreadPool(serverThreads) : null;
        if (serverExecutor != null) {
            sb.executor(serverExecutor);
        }
        server = sb.build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .maxInboundMessageSize(MAX_MESSAGE)
                .build();
    }

    /** Where other stores dial: the Raft RPCs are served here too. */
    String address() {
        return "127.0.0.1:" + server.getPort();
    }

    TikvGrpc.TikvBlockingStub blocking() {
        return TikvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    TikvGrpc.TikvStub async() {
        return TikvGrpc.newStub(channel);
    }

    TikvGrpc.TikvFutureStub future() {
        return TikvGrpc.newFutureStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static Kvrpcpb.KvPair kv(String k, String v) {
        return Kvrpcpb.KvPair.newBuilder().setKey(bs(k)).setValue(bs(v)).build();
    }

    /** Puts {@code k=v} pairs directly through the service (no TTL). */
    void seed(String... keysAndValues) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT)
                    .setKey(bs(keysAndValues[i])).setValue(bs(keysAndValues[i + 1])).build());
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        if (forwardingChannels != null) {
            forwardingChannels.close();
        }
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
            storage.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (serverExecutor != null) {
                serverExecutor.shutdownNow();
            }
        }
    }
}
