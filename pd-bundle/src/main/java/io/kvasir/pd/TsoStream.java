package io.kvasir.pd;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Pdpb;

/**
 * One Tso stream. Each request is answered with exactly one response holding the last of the
 * {@code count} timestamps allocated for it, and the stream is completed when the client
 * half-closes: tikv-client-java opens a stream per timestamp, sends one request, half-closes and
 * waits for the end of the stream (CLIENT-NEEDS.md section 3), so a stream left open would run
 * every timestamp into the client's deadline.
 *
 * <p>A failure ends the stream with a status; later requests on it are ignored. gRPC delivers a
 * call's inbound messages one at a time, so no locking is needed here.
 */
final class TsoStream implements StreamObserver<Pdpb.TsoRequest> {
    private final PdState state;
    private final StreamObserver<Pdpb.TsoResponse> out;
    private boolean done;

    TsoStream(PdState state, StreamObserver<Pdpb.TsoResponse> out) {
        this.state = state;
        this.out = out;
    }

    @Override
    public void onNext(Pdpb.TsoRequest request) {
        if (done) {
            return;
        }
        try {
            state.checkHeader(request.getHeader());
            Tso.Timestamp ts = state.tso().allocate(request.getCount());
            out.onNext(Pdpb.TsoResponse.newBuilder()
                    .setHeader(Failures.ok(state.clusterId()))
                    .setCount(request.getCount())
                    .setTimestamp(Pdpb.Timestamp.newBuilder().setPhysical(ts.physical()).setLogical(ts.logical()))
                    .build());
        } catch (RuntimeException e) {
            done = true;
            out.onError(Failures.toStatus("Tso", e).asRuntimeException());
        }
    }

    @Override
    public void onError(Throwable t) {
        // The client cancelled or the connection broke; the call is over and nothing may be sent.
        done = true;
    }

    @Override
    public void onCompleted() {
        if (!done) {
            done = true;
            out.onCompleted();
        }
    }
}
