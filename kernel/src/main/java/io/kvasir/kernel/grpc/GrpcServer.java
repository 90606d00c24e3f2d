package io.kvasir.kernel.grpc;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.util.MutableHandlerRegistry;
import io.kvasir.kernel.config.HostPort;
import io.kvasir.kernel.config.KernelSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's single gRPC server. Services are not fixed at build time: bundles come and go,
 * so they are looked up in a {@link MutableHandlerRegistry} on every call (the "fallback"
 * registry), and a call to a service that left gets UNIMPLEMENTED. The kernel's own
 * {@code grpc.health.v1.Health} is always there.
 */
public final class GrpcServer {
    private final Server server;
    private final MutableHandlerRegistry registry;
    private final HealthStatusManager health;

    private GrpcServer(Server server, MutableHandlerRegistry registry, HealthStatusManager health) {
        this.server = server;
        this.registry = registry;
        this.health = health;
    }

    /**
     * Binds and starts the server.
     *
     * @throws KernelStartupException naming {@code server.addr} if it cannot listen
     */
    public static GrpcServer start(KernelSettings settings) {
        HostPort addr = settings.grpcAddress();
        InetSocketAddress socketAddress = addr.toBindableAddress(KernelSettings.SERVER_ADDR);
        MutableHandlerRegistry registry = new MutableHandlerRegistry();
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(socketAddress)
                .fallbackHandlerRegistry(registry)
                .addService(health.getHealthService())
                .maxInboundMessageSize(settings.grpcMaxRecvMsgLen())
                // Clients ping every 10s even while idle; refusing would earn them a GOAWAY.
                .permitKeepAliveTime(settings.grpcKeepAlivePermitTime().toNanos(), TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw addr.cannotListen(KernelSettings.SERVER_ADDR, e);
        }
        return new GrpcServer(server, registry, health);
    }

    public MutableHandlerRegistry registry() {
        return registry;
    }

    public int port() {
        return server.getPort();
    }

    /** Tells health checkers the node is going away, before anything is stopped. */
    public void notServing() {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    }

    /** Stops accepting calls and waits for running ones, at most {@code timeout}. */
    public void shutdown(Duration timeout) {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
