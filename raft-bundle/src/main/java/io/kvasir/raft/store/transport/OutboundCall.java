package io.kvasir.raft.store.transport;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One client-streaming call (BatchRaft or Snapshot) driven by a single sender thread, with gRPC's
 * flow control honoured: the sender waits until the call can take a message ({@link
 * #awaitReady}) instead of letting gRPC buffer without bound, and learns there that the call
 * ended. gRPC calls the observer methods on its own threads; the sender calls the others.
 *
 * @param <Q> what the client streams
 * @param <R> the server's single answer
 */
final class OutboundCall<Q, R> implements ClientResponseObserver<Q, R> {
    /** A safety net only: readiness and the end of the call are signalled. */
    private static final long WAIT_SLICE_MILLIS = 200;

    private final Object lock = new Object();
    private volatile ClientCallStreamObserver<Q> requests;
    // Guarded by lock.
    private boolean ended;
    private Throwable failure;
    private boolean wasReady;

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::signal);
    }

    @Override
    public void onNext(R value) {
        // The answer (Done) carries nothing; its arrival is told by onCompleted.
    }

    @Override
    public void onError(Throwable t) {
        synchronized (lock) {
            failure = t;
            ended = true;
            lock.notifyAll();
        }
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            ended = true;
            lock.notifyAll();
        }
    }

    private void signal() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Waits until the call can take a message without buffering (true) or has ended (false).
     * The first true means the connection works.
     */
    boolean awaitReady() throws InterruptedException {
        synchronized (lock) {
            while (!ended && !requests.isReady()) {
                lock.wait(WAIT_SLICE_MILLIS);
            }
            if (!ended) {
                wasReady = true;
            }
            return !ended;
        }
    }

    /** Whether the call was ever ready: the connection to the server worked. */
    boolean wasReady() {
        synchronized (lock) {
            return wasReady;
        }
    }

    /** Whether the call has ended, by the server's answer or a failure. */
    boolean ended() {
        synchronized (lock) {
            return ended;
        }
    }

    /** Sends one message; only from the sender thread, after {@link #awaitReady} said true. */
    void send(Q message) {
        requests.onNext(message);
    }

    /** Half-closes: everything was sent. */
    void complete() {
        requests.onCompleted();
    }

    /** Abandons the call (the sender gives up on it); the server sees a cancellation. */
    void cancel(String why) {
        ClientCallStreamObserver<Q> r = requests;
        if (r != null) {
            r.cancel(why, null);
        }
    }

    /**
     * Waits for the end of the call and says how it ended: null for the server's answer, else
     * the failure. A dead peer ends the call through keepalive; closing the channel ends it too.
     */
    Throwable awaitEnd() throws InterruptedException {
        synchronized (lock) {
            while (!ended) {
                lock.wait(WAIT_SLICE_MILLIS);
            }
            return failure;
        }
    }

    /** How the call failed, or null if it has not (yet). */
    Throwable failure() {
        synchronized (lock) {
            return failure;
        }
    }
}
