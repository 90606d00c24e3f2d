package io.kvasir.pd;

import io.grpc.Status;
import io.kvasir.kvproto.Pdpb;

/**
 * A request the PD refuses, with how the refusal is answered. PD answers most refusals in the
 * response's {@code header.error} (the call itself succeeds) and a few with a gRPC status (cluster
 * id mismatch, unknown store in GetStore, malformed input); this exception carries one or the
 * other, and {@link PdService} maps it once to the wire.
 */
final class PdException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Pdpb.ErrorType errorType;
    private final transient Status.Code statusCode;

    private PdException(Pdpb.ErrorType errorType, Status.Code statusCode, String message) {
        super(message, null, false, false);
        this.errorType = errorType;
        this.statusCode = statusCode;
    }

    /** A refusal answered in {@code header.error}. */
    static PdException header(Pdpb.ErrorType type, String format, Object... args) {
        return new PdException(type, null, String.format(format, args));
    }

    /** A refusal answered with the gRPC status {@code code}. */
    static PdException status(Status.Code code, String format, Object... args) {
        return new PdException(null, code, String.format(format, args));
    }

    /** PD's answer to region and store calls before Bootstrap. */
    static PdException notBootstrapped() {
        return header(Pdpb.ErrorType.NOT_BOOTSTRAPPED, "cluster is not bootstrapped");
    }

    /** A header error of type UNKNOWN, PD's type for most refusals. */
    static PdException unknown(String format, Object... args) {
        return header(Pdpb.ErrorType.UNKNOWN, format, args);
    }

    static PdException invalidArgument(String format, Object... args) {
        return status(Status.Code.INVALID_ARGUMENT, format, args);
    }

    boolean isHeaderError() {
        return errorType != null;
    }

    /** The header error type, or null when answered with a status. */
    Pdpb.ErrorType errorType() {
        return errorType;
    }

    /** The gRPC status, for refusals answered with one. */
    Status toStatus() {
        return Status.fromCode(statusCode == null ? Status.Code.UNKNOWN : statusCode).withDescription(getMessage());
    }
}
