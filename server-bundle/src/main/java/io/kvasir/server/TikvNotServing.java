package io.kvasir.server;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.kvasir.kvproto.TikvGrpc;

/**
 * {@code tikvpb.Tikv} while the store does not serve yet (it is starting, or its storage is being
 * swapped): every method answers UNAVAILABLE. Without it the node's gRPC server would answer
 * UNIMPLEMENTED, which tikv-client-java takes as final: a commit sent to a store that is just
 * restarting would fail at once, its outcome unknown, instead of being retried.
 */
final class TikvNotServing implements BindableService {
    private static final Status NOT_SERVING = Status.UNAVAILABLE.withDescription(
            "the store is not serving yet (starting, or its storage is changing); try again");

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(TikvGrpc.getServiceDescriptor());
        for (MethodDescriptor<?, ?> method : TikvGrpc.getServiceDescriptor().getMethods()) {
            add(b, method);
        }
        return b.build();
    }

    private static <Q, R> void add(ServerServiceDefinition.Builder b, MethodDescriptor<Q, R> method) {
        b.addMethod(method, new ServerCallHandler<Q, R>() {
            @Override
            public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
                call.close(NOT_SERVING, new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        });
    }
}
