package io.kvasir.server;

import io.grpc.Status;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.txn.api.RawStorageException;
import io.kvasir.txn.api.TxnStorageException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why a request failed, read once from whatever the storage layer (or this facade) threw, and the
 * only place that decides how a failure reaches the client (STYLE rule 12):
 * <ul>
 *   <li>{@link RegionException}: {@code region_error = e.error()}; the client re-routes;</li>
 *   <li>{@link RawStorageException}: the response's {@code error} string, its message as is, as
 *       TiKV answers {@code format!("{}", e)}; a response without an {@code error} field
 *       (RawBatchGet, RawScan, RawBatchScan) ends the call with a gRPC status instead, see
 *       {@link #status()};</li>
 *   <li>{@link TxnStorageException} (a transactional request the store refuses): the response's
 *       {@code KeyError error} with {@code abort} = its message ({@link #asKeyError()}), as TiKV
 *       answers what it does not support; a response without a key error (SplitRegion) ends the
 *       call with INVALID_ARGUMENT;</li>
 *   <li>anything else is a bug or a broken dependency: logged, and answered as
 *       {@code "internal error: ..."} in the same places, so the call is still answered and the
 *       node keeps serving.</li>
 * </ul>
 */
final class Failure {
    private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

    /** Prefix of the {@code error} string of failures that are not the storage layer's own. */
    static final String INTERNAL_PREFIX = "internal error: ";

    private final Errorpb.Error regionError;
    private final boolean invalidArgument;
    private final String message;

    private Failure(Errorpb.Error regionError, boolean invalidArgument, String message) {
        this.regionError = regionError;
        this.invalidArgument = invalidArgument;
        this.message = message;
    }

    /** A request this facade refuses before calling the storage layer: always the client's fault. */
    static Failure invalidArgument(String message) {
        return new Failure(null, true, message);
    }

    /**
     * Classifies {@code thrown} (unwrapping the future's wrappers) and logs what deserves a log
     * line: unexpected exceptions at error level with their stack, storage-internal failures at
     * warn. Region errors and bad input are routine answers and are not logged.
     */
    static Failure of(Command command, Throwable thrown) {
        Throwable t = unwrap(thrown);
        if (t instanceof CallFailedException f) {
            return f.failure();
        }
        if (t instanceof RegionException e) {
            return new Failure(e.error(), false, e.getMessage());
        }
        if (t instanceof RawStorageException e) {
            String message = e.getMessage() == null ? e.kind().toString() : e.getMessage();
            if (e.kind() == RawStorageException.Kind.INVALID_ARGUMENT) {
                return new Failure(null, true, message);
            }
            LOG.warn("{} failed in the storage layer: {}", command, message, e);
            return new Failure(null, false, message);
        }
        if (t instanceof TxnStorageException e) {
            // The client's request, not a fault here: not logged, like a raw invalid argument.
            return new Failure(null, true, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        LOG.error("{} failed with an unexpected exception", command, t);
        return new Failure(null, false, INTERNAL_PREFIX + t);
    }

    private static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    Optional<Errorpb.Error> regionError() {
        return Optional.ofNullable(regionError);
    }

    /** The text for a response's {@code error} field. */
    String message() {
        return message;
    }

    RequestMetrics.Outcome outcome() {
        return regionError != null ? RequestMetrics.Outcome.REGION_ERROR : RequestMetrics.Outcome.ERROR;
    }

    /**
     * The gRPC status for a response that has no {@code error} field. INVALID_ARGUMENT is final for
     * tikv-client-java (it stops retrying at once, CLIENT-NEEDS section 1): right for a request that
     * can never succeed. INTERNAL is retried: right for a failure of the store that may pass.
     */
    Status status() {
        Status base = invalidArgument ? Status.INVALID_ARGUMENT : Status.INTERNAL;
        return base.withDescription(message);
    }

    /**
     * The failure as a pair, the way TiKV reports an error in a response without an {@code error}
     * field ({@code extract_kv_pairs}: one {@code KvPair} whose {@code error.abort} is the message).
     * Used only on the BatchCommands stream, which has no per-command status.
     */
    Kvrpcpb.KvPair asErrorPair() {
        return Kvrpcpb.KvPair.newBuilder().setError(asKeyError()).build();
    }

    /**
     * The failure as a transactional response's key error: {@code abort} carries the message, as
     * TiKV's {@code extract_key_error} answers every error it has no specific field for
     * (tikv-client-java raises it as a {@code KeyException}).
     */
    Kvrpcpb.KeyError asKeyError() {
        return Kvrpcpb.KeyError.newBuilder().setAbort(message).build();
    }

    /** Carries this failure through a future to the code that knows how to send it. */
    CallFailedException asException() {
        return new CallFailedException(this);
    }

    @Override
    public String toString() {
        return regionError != null ? "region error: " + regionError.getMessage() : message;
    }

    /** A failure on its way to the sender; not a fault in itself, so it has no stack trace. */
    static final class CallFailedException extends RuntimeException {
        private final transient Failure failure;

        CallFailedException(Failure failure) {
            super(failure.toString(), null, false, false);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }
}
