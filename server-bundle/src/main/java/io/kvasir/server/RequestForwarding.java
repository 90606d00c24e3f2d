package io.kvasir.server;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies a client's call to the store named in its {@code tikv-forwarded-host} header, as TiKV
 * does. tikv-client-java sets the header when a region's leader store stopped answering it (one
 * timed-out attempt is enough): it then sends the region's requests through another store of the
 * region, which may still reach the leader (CLIENT-NEEDS.md section 1). Serving such a request
 * here would only answer {@code store_not_match}; proxying lets the client carry on across a
 * one-sided partition.
 *
 * <p>The call goes out unchanged (same method, same messages, the caller's deadline) except that
 * the header is dropped, so a forwarded call is never forwarded again. A call naming this store
 * itself, or naming no store, is served here. Whatever the target answers, statuses included,
 * goes back to the caller as it is; a target that cannot be reached answers UNAVAILABLE, which
 * the client retries elsewhere.
 */
final class RequestForwarding implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestForwarding.class);

    static final Metadata.Key<String> FORWARDED_HOST =
            Metadata.Key.of("tikv-forwarded-host", Metadata.ASCII_STRING_MARSHALLER);

    private final ForwardingChannels channels;
    private final String selfAddress;

    /**
     * @param channels    where forwarded calls go out
     * @param selfAddress the address this store advertises, or null when unknown (then every
     *                    forwarded call is proxied, at worst back to this store)
     */
    RequestForwarding(ForwardingChannels channels, String selfAddress) {
        this.channels = channels;
        this.selfAddress = selfAddress;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String target = headers.get(FORWARDED_HOST);
        if (target == null || target.isBlank() || target.equals(selfAddress)) {
            return next.startCall(call, headers);
        }
        headers.removeAll(FORWARDED_HOST);
        CallOptions options = CallOptions.DEFAULT;
        Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            options = options.withDeadline(deadline);
        }
        ClientCall<Q, R> outbound;
        try {
            outbound = channels.to(target).newCall(call.getMethodDescriptor(), options);
        } catch (RuntimeException e) {
            // A target gRPC cannot dial, or this store stopping: unreachable either way, which
            // the client answers by trying another route.
            LOG.debug("cannot forward {} to {}: {}", call.getMethodDescriptor().getFullMethodName(), target, e.toString());
            call.close(Status.UNAVAILABLE.withDescription("cannot forward to " + target + ": " + e.getMessage()),
                    new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return ProxiedCall.start(call, outbound, headers);
    }
}
