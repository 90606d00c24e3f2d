package io.kvasir.pd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.engine.api.EngineException;
import io.kvasir.kvproto.Pdpb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from what a PD call threw to what the caller sees: refusals become the header
 * error or status they carry, bad input becomes INVALID_ARGUMENT, storage failures UNAVAILABLE
 * (the caller retries; PD's own answer when its storage is unreachable), anything else INTERNAL
 * and an error log line, since it is a bug.
 */
final class Failures {
    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private Failures() {
    }

    /** A response header for {@code clusterId} without error. */
    static Pdpb.ResponseHeader ok(long clusterId) {
        return Pdpb.ResponseHeader.newBuilder().setClusterId(clusterId).build();
    }

    /** A response header for {@code clusterId} carrying the header error of {@code e}. */
    static Pdpb.ResponseHeader error(long clusterId, PdException e) {
        return Pdpb.ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setError(Pdpb.Error.newBuilder().setType(e.errorType()).setMessage(e.getMessage()))
                .build();
    }

    /** The gRPC status {@code failure} ends a call with, when it is not answered in a header. */
    static Status toStatus(String rpc, RuntimeException failure) {
        if (failure instanceof PdException e) {
            return e.isHeaderError() ? Status.UNKNOWN.withDescription(e.getMessage()) : e.toStatus();
        }
        if (failure instanceof StatusRuntimeException e) {
            return e.getStatus();
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
        }
        if (failure instanceof EngineException e) {
            LOG.warn("PD {} failed in storage: {}", rpc, e.toString());
            return Status.UNAVAILABLE.withDescription("PD storage failed: " + e.getMessage());
        }
        if (failure instanceof IllegalStateException) {
            LOG.warn("PD {} failed: {}", rpc, failure.toString());
            return Status.UNAVAILABLE.withDescription(failure.getMessage());
        }
        LOG.error("PD {} failed unexpectedly", rpc, failure);
        return Status.INTERNAL.withDescription("PD internal error: " + failure);
    }
}
