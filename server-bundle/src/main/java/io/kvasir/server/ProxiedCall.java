package io.kvasir.server;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Joins a call this server received to the same call made to another store: requests flow out,
 * answers, headers, status and trailers flow back, and a cancel on either side ends the other.
 * Works for every call shape (unary and streaming).
 *
 * <p>Flow control is end to end: one message is asked from a side only when the other side can
 * take it ({@code isReady}), or else when it next says it is ready ({@code onReady}), so a slow
 * reader on one side is never buffered without bound here.
 */
final class ProxiedCall<Q, R> {
    private final ServerCall<Q, R> inbound;
    private final ClientCall<Q, R> outbound;

    // Guarded by this: whether a side is owed a request() once the other side becomes ready.
    private boolean inboundOwed;
    private boolean outboundOwed;

    private ProxiedCall(ServerCall<Q, R> inbound, ClientCall<Q, R> outbound) {
        this.inbound = inbound;
        this.outbound = outbound;
    }

    /** Starts {@code outbound} with {@code headers} and returns the listener for {@code inbound}. */
    static <Q, R> ServerCall.Listener<Q> start(ServerCall<Q, R> inbound, ClientCall<Q, R> outbound, Metadata headers) {
        ProxiedCall<Q, R> proxy = new ProxiedCall<>(inbound, outbound);
        outbound.start(proxy.new TargetListener(), headers);
        outbound.request(1);
        inbound.request(1);
        return proxy.new CallerListener();
    }

    /** What the caller sends: goes to the target. */
    private final class CallerListener extends ServerCall.Listener<Q> {
        @Override
        public void onMessage(Q request) {
            outbound.sendMessage(request);
            synchronized (ProxiedCall.this) {
                if (outbound.isReady()) {
                    inbound.request(1);
                } else {
                    inboundOwed = true;
                }
            }
        }

        @Override
        public void onHalfClose() {
            outbound.halfClose();
        }

        @Override
        public void onCancel() {
            outbound.cancel("the caller cancelled the forwarded call", null);
        }

        @Override
        public void onReady() {
            synchronized (ProxiedCall.this) {
                if (outboundOwed) {
                    outboundOwed = false;
                    outbound.request(1);
                }
            }
        }
    }

    /** What the target answers: goes back to the caller. */
    private final class TargetListener extends ClientCall.Listener<R> {
        @Override
        public void onHeaders(Metadata headers) {
            inbound.sendHeaders(headers);
        }

        @Override
        public void onMessage(R response) {
            inbound.sendMessage(response);
            synchronized (ProxiedCall.this) {
                if (inbound.isReady()) {
                    outbound.request(1);
                } else {
                    outboundOwed = true;
                }
            }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            inbound.close(status, trailers);
        }

        @Override
        public void onReady() {
            synchronized (ProxiedCall.this) {
                if (inboundOwed) {
                    inboundOwed = false;
                    inbound.request(1);
                }
            }
        }
    }
}
