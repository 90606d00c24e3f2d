package io.kvasir.server;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One channel per store that calls are forwarded to, opened on first use and kept until
 * {@link #close}: a cluster has few stores, and a forwarded call should not pay for a new
 * connection. A channel whose store went away fails its calls with UNAVAILABLE and reconnects by
 * itself when the store is back.
 */
final class ForwardingChannels implements AutoCloseable {
    private final int maxMessageBytes;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param maxMessageBytes the largest answer accepted from a target (the server's own inbound limit) */
    ForwardingChannels(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The channel to {@code address} ({@code host:port}).
     *
     * @throws IllegalArgumentException if the address is not one gRPC can dial
     * @throws IllegalStateException    once closed
     */
    ManagedChannel to(String address) {
        if (closed) {
            throw new IllegalStateException("the store is stopping");
        }
        ManagedChannel channel = channels.computeIfAbsent(address, this::open);
        if (closed) {
            // Lost a race with close(): this channel may have been added after close() swept.
            channel.shutdownNow();
            throw new IllegalStateException("the store is stopping");
        }
        return channel;
    }

    private ManagedChannel open(String address) {
        return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                .maxInboundMessageSize(maxMessageBytes)
                .build();
    }

    /** Closes every channel; forwarded calls in flight fail with UNAVAILABLE. */
    @Override
    public void close() {
        closed = true;
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        channels.clear();
    }
}
