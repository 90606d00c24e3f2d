package io.kvasir.bench.txn;

import org.tikv.common.exception.KeyException;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.txn.exception.WriteConflictException;

/**
 * Reads why tikv-client-java 3.3.5 gave up on a transaction from what it threw. The client keeps
 * little structure: a prewrite's KeyError survives only as its text inside the cause chain
 * ({@code KeyException(err.toString())}, so TiKV's WriteConflict prints as {@code "conflict {"}),
 * its verdict on a younger transaction's live lock is a {@link WriteConflictException}, and a
 * spent backoff budget is a {@code GrpcException} saying {@code "retry is exhausted"} or
 * {@code "maxSleep ... is exceeded"}. The most specific reason anywhere in the chain wins.
 */
final class ClientErrors {

    private ClientErrors() {
    }

    static AbortCause classify(Throwable thrown) {
        boolean exhausted = false;
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof WriteConflictException) {
                return AbortCause.KEY_LOCKED;
            }
            if (t instanceof KeyException k && k.getKeyErr() != null) {
                AbortCause c = ofKeyError(k.getKeyErr());
                if (c != AbortCause.OTHER) {
                    return c;
                }
            }
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("conflict {")) {
                return AbortCause.WRITE_CONFLICT;
            }
            if (m.contains("txn lock not found")) {
                return AbortCause.LOCK_LOST;
            }
            if (m.contains("deadlock {")) {
                return AbortCause.DEADLOCK;
            }
            exhausted |= m.contains("retry is exhausted") || m.contains("is exceeded");
        }
        return exhausted ? AbortCause.RETRIES_EXHAUSTED : AbortCause.OTHER;
    }

    /**
     * The cause the client's KeyError names. The client has its own copy of kvproto's classes; the
     * error is read back as Kvasir's, so one mapping ({@link StoreKeyErrors}) serves both.
     */
    static AbortCause ofKeyError(Kvrpcpb.KeyError e) {
        try {
            return StoreKeyErrors.causeOf(io.kvasir.kvproto.Kvrpcpb.KeyError.parseFrom(e.toByteArray()));
        } catch (com.google.protobuf.InvalidProtocolBufferException unreadable) {
            return AbortCause.OTHER;
        }
    }
}
