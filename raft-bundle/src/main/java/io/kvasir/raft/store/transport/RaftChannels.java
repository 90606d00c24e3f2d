package io.kvasir.raft.store.transport;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * Channels to other stores. Each connection attempt gets a fresh channel: the transport does its
 * own backoff and re-resolution, so gRPC's internal reconnect backoff (up to two minutes) must
 * not delay a store that has come back.
 */
final class RaftChannels {
    private RaftChannels() {
    }

    static ManagedChannel open(String address, TransportSettings settings) {
        return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                .keepAliveTime(settings.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(settings.keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveWithoutCalls(false)
                // The only answer on these calls is an empty Done.
                .maxInboundMessageSize(1 << 20)
                .build();
    }

    /** Closes a channel without waiting for its calls (they fail with UNAVAILABLE/CANCELLED). */
    static void close(ManagedChannel channel) {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
