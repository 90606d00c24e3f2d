package io.kvasir.txn.api;

/**
 * A raw request the storage layer refuses. {@link Kind#INVALID_ARGUMENT} is bad input (a key out of
 * range, an inverted range, TTL when TTL is disabled, an unknown column family): the request can
 * never succeed, so the facade answers it with a final gRPC status or an {@code error} string.
 * {@link Kind#INTERNAL} is a failure of the store itself.
 */
public final class RawStorageException extends RuntimeException {
    public enum Kind { INVALID_ARGUMENT, INTERNAL }

    private final Kind kind;

    public RawStorageException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RawStorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
