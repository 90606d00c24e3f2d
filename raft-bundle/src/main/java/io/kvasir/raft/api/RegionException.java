package io.kvasir.raft.api;

import io.kvasir.kvproto.Errorpb;

/**
 * A request cannot be served by this region as addressed; {@link #error()} is the
 * {@code errorpb.Error} to put in the response's {@code region_error}, which tells the client
 * how to re-route. Carries no stack trace: it is a routine answer, not a fault.
 */
public final class RegionException extends RuntimeException {
    private final transient Errorpb.Error error;

    public RegionException(Errorpb.Error error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    public Errorpb.Error error() {
        return error;
    }
}
