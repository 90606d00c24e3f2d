package io.kvasir.raft.store;

import io.kvasir.kvproto.Pdpb;

/** PD answered with an error in its response header. */
public final class PdException extends RuntimeException {
    private final Pdpb.ErrorType type;

    public PdException(Pdpb.ErrorType type, String message) {
        super("PD: " + type + ": " + message);
        this.type = type;
    }

    public Pdpb.ErrorType type() {
        return type;
    }
}
