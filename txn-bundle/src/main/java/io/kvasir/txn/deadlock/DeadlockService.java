package io.kvasir.txn.deadlock;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.DeadlockGrpc;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockRequest;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockResponse;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntriesRequest;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntriesResponse;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntry;
import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.DeadlockDetector.Wait;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * TiKV's {@code deadlock.Deadlock} service: while this store is the detector, other stores report
 * their waits on Detect streams and hear back only of the deadlocks their waits close; a store
 * that is not the detector refuses the stream ({@code FAILED_PRECONDITION}), and the reporter
 * looks the detector up again. GetWaitForEntries lists the waits this store's detector holds.
 */
public final class DeadlockService extends DeadlockGrpc.DeadlockImplBase {
    private final DeadlockDetector detector;
    private final BooleanSupplier isDetector;

    public DeadlockService(DeadlockDetector detector, BooleanSupplier isDetector) {
        this.detector = detector;
        this.isDetector = isDetector;
    }

    @Override
    public void getWaitForEntries(WaitForEntriesRequest request, StreamObserver<WaitForEntriesResponse> responses) {
        WaitForEntriesResponse.Builder b = WaitForEntriesResponse.newBuilder();
        for (Wait w : detector.waits()) {
            b.addEntries(entry(w));
        }
        responses.onNext(b.build());
        responses.onCompleted();
    }

    @Override
    public StreamObserver<DeadlockRequest> detect(StreamObserver<DeadlockResponse> responses) {
        return new StreamObserver<>() {
            private boolean ended;

            @Override
            public void onNext(DeadlockRequest request) {
                if (ended) {
                    return;
                }
                if (!isDetector.getAsBoolean()) {
                    ended = true;
                    responses.onError(Status.FAILED_PRECONDITION
                            .withDescription("this store is not the deadlock detector").asRuntimeException());
                    return;
                }
                WaitForEntry e = request.getEntry();
                switch (request.getTp()) {
                    case Detect -> detector.detect(e.getTxn(), e.getWaitForTxn(), e.getKeyHash(), e.getKey().toByteArray())
                            .ifPresent(cycle -> {
                                synchronized (responses) {
                                    responses.onNext(deadlock(e, cycle));
                                }
                            });
                    case CleanUpWaitFor -> detector.cleanUpWaitFor(e.getTxn(), e.getWaitForTxn(), e.getKeyHash());
                    case CleanUp -> detector.cleanUp(e.getTxn());
                    default -> {
                        // A request type newer than this store: nothing to do for it.
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                ended = true;
            }

            @Override
            public void onCompleted() {
                if (!ended) {
                    ended = true;
                    responses.onCompleted();
                }
            }
        };
    }

    /** The answer for the wait {@code e} that closed {@code cycle} (which starts with that wait). */
    private static DeadlockResponse deadlock(WaitForEntry e, List<Wait> cycle) {
        DeadlockResponse.Builder b = DeadlockResponse.newBuilder().setEntry(e)
                .setDeadlockKeyHash(cycle.get(cycle.size() - 1).keyHash());
        for (Wait w : cycle.subList(1, cycle.size())) {
            b.addWaitChain(entry(w));
        }
        return b.build();
    }

    private static WaitForEntry entry(Wait w) {
        return WaitForEntry.newBuilder().setTxn(w.waiter()).setWaitForTxn(w.holder()).setKeyHash(w.keyHash())
                .setKey(com.google.protobuf.ByteString.copyFrom(w.key())).build();
    }
}
