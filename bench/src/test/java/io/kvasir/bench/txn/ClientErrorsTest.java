package io.kvasir.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tikv.common.exception.GrpcException;
import org.tikv.common.exception.KeyException;
import org.tikv.common.exception.TiBatchWriteException;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.txn.exception.WriteConflictException;

/** The chains tikv-client-java 3.3.5 throws, as it builds them (see ClientErrors). */
class ClientErrorsTest {

    @Test
    void aPrewriteKeyErrorSurvivesOnlyAsTextAndAWriteConflictPrintsAsConflict() {
        String text = Kvrpcpb.KeyError.newBuilder().setConflict(Kvrpcpb.WriteConflict.newBuilder().setStartTs(1)).build()
                .toString();
        // Retried until the budget ran out: the exhausted backoff wraps the store's answer.
        Throwable thrown = new TiBatchWriteException("prewrite primary key error",
                new GrpcException("retry is exhausted.", new GrpcException("Txn prewrite primary key failed",
                        new KeyException(text))));
        assertEquals(AbortCause.WRITE_CONFLICT, ClientErrors.classify(thrown));
    }

    @Test
    void theClientsVerdictOnAYoungerLiveLockIsKeyLocked() {
        assertEquals(AbortCause.KEY_LOCKED, ClientErrors.classify(new WriteConflictException(1, 2, 0, new byte[] {1})));
    }

    @Test
    void aKeyErrorKeptWholeIsReadByItsFields() {
        Kvrpcpb.KeyError lost = Kvrpcpb.KeyError.newBuilder().setRetryable("txn lock not found: start_ts 5").build();
        assertEquals(AbortCause.LOCK_LOST, ClientErrors.classify(new GrpcException("retry is exhausted.",
                new KeyException(lost))));
        Kvrpcpb.KeyError locked = Kvrpcpb.KeyError.newBuilder().setLocked(Kvrpcpb.LockInfo.newBuilder().setLockTtl(3))
                .build();
        assertEquals(AbortCause.KEY_LOCKED, ClientErrors.classify(new KeyException(locked)));
    }

    @Test
    void aSpentBudgetWithoutAKnownCauseIsRetriesExhausted() {
        assertEquals(AbortCause.RETRIES_EXHAUSTED, ClientErrors.classify(new GrpcException(
                "BackOffer.maxSleep 1000ms is exceeded, errors:", new GrpcException("Txn prewrite primary key failed"))));
        assertEquals(AbortCause.OTHER, ClientErrors.classify(new IllegalStateException("something else")));
    }
}
