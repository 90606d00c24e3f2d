package io.kvasir.kernel.testbundles;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Activator of a generated test bundle: publishes a hand-built gRPC service "test.Echo" on
 * the whiteboard. Tests use {@link #ECHO} from their own class loader to call it; only the
 * names and the bytes cross the bundle boundary.
 */
public final class EchoActivator implements BundleActivator {
    public static final String SERVICE = "test.Echo";
    public static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
            .setRequestMarshaller(new Bytes())
            .setResponseMarshaller(new Bytes())
            .build();

    @Override
    public void start(BundleContext context) {
        context.registerService(BindableService.class, new EchoService(), null);
    }

    @Override
    public void stop(BundleContext context) {
        // The framework unregisters the service.
    }

    static final class EchoService implements BindableService {
        @Override
        public ServerServiceDefinition bindService() {
            return ServerServiceDefinition.builder(SERVICE)
                    .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                        String text = new String(request, StandardCharsets.UTF_8);
                        response.onNext(("echo: " + text).getBytes(StandardCharsets.UTF_8));
                        response.onCompleted();
                    }))
                    .build();
        }
    }

    public static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
