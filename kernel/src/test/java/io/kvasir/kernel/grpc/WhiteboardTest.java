package io.kvasir.kernel.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.kvasir.kernel.Kernel;
import io.kvasir.kernel.TestBundle;
import io.kvasir.kernel.TestKernels;
import io.kvasir.kernel.testbundles.EchoActivator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The gRPC whiteboard with a real bundle: its service is served exactly while the bundle is active. */
class WhiteboardTest {
    @TempDir
    static Path root;
    static Kernel kernel;
    static ManagedChannel channel;

    @BeforeAll
    static void boot() {
        TestBundle.named("test.echo").activator(EchoActivator.class)
                .importPackage("io.grpc", "io.grpc.stub", "org.osgi.framework")
                .writeTo(TestKernels.bundlesDir(root), "echo.jar");
        kernel = TestKernels.builder(root).start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", kernel.grpcPort()).usePlaintext().build();
    }

    @AfterAll
    static void shutdown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        kernel.close();
    }

    private static String echo(String text) {
        byte[] answer = ClientCalls.blockingUnaryCall(channel, EchoActivator.ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), text.getBytes(StandardCharsets.UTF_8));
        return new String(answer, StandardCharsets.UTF_8);
    }

    private static HealthCheckResponse.ServingStatus health() {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    @Test
    void serviceComesAndGoesWithItsBundle() {
        assertEquals("echo: hi", echo("hi"));

        kernel.stopBundle("test.echo");
        StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> echo("hi"));
        assertEquals(Status.Code.UNIMPLEMENTED, gone.getStatus().getCode());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health());

        kernel.startBundle("test.echo");
        assertEquals("echo: again", echo("again"));
    }

    @Test
    void healthIsServingWhileRunning() {
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health());
    }
}
