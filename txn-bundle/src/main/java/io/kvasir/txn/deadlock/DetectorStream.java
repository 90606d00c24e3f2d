package io.kvasir.txn.deadlock;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.DeadlockGrpc;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockRequest;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockResponse;
import java.util.function.Consumer;

/**
 * One Detect stream to the detector leader's store: requests go out as they come, and the only
 * answers are deadlocks found. Once the stream fails it stays broken; the owner opens another
 * (possibly to a new leader).
 */
final class DetectorStream {
    private final StreamObserver<DeadlockRequest> requests;
    private volatile boolean broken;

    /**
     * @param onDeadlock gets each deadlock the detector reports
     * @param onBroken   runs once when the stream fails or the detector ends it
     */
    DetectorStream(ManagedChannel channel, Consumer<DeadlockResponse> onDeadlock, Runnable onBroken) {
        this.requests = DeadlockGrpc.newStub(channel).detect(new StreamObserver<>() {
            @Override
            public void onNext(DeadlockResponse response) {
                onDeadlock.accept(response);
            }

            @Override
            public void onError(Throwable t) {
                broken = true;
                onBroken.run();
            }

            @Override
            public void onCompleted() {
                broken = true;
                onBroken.run();
            }
        });
    }

    boolean broken() {
        return broken;
    }

    synchronized void send(DeadlockRequest request) {
        if (!broken) {
            requests.onNext(request);
        }
    }

    synchronized void close() {
        if (!broken) {
            broken = true;
            requests.onCompleted();
        }
    }
}
