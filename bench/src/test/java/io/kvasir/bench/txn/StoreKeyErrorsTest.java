package io.kvasir.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvasir.kvproto.Kvrpcpb;
import org.junit.jupiter.api.Test;

class StoreKeyErrorsTest {

    @Test
    void eachKeyErrorNamesItsCause() {
        assertEquals(AbortCause.WRITE_CONFLICT, StoreKeyErrors.causeOf(Kvrpcpb.KeyError.newBuilder()
                .setConflict(Kvrpcpb.WriteConflict.getDefaultInstance()).setRetryable("write conflict").build()));
        assertEquals(AbortCause.DEADLOCK, StoreKeyErrors.causeOf(Kvrpcpb.KeyError.newBuilder()
                .setDeadlock(Kvrpcpb.Deadlock.getDefaultInstance()).build()));
        assertEquals(AbortCause.KEY_LOCKED, StoreKeyErrors.causeOf(Kvrpcpb.KeyError.newBuilder()
                .setLocked(Kvrpcpb.LockInfo.getDefaultInstance()).build()));
        assertEquals(AbortCause.LOCK_LOST, StoreKeyErrors.causeOf(Kvrpcpb.KeyError.newBuilder()
                .setRetryable("txn lock not found: start_ts 1, commit_ts 2").build()));
        assertEquals(AbortCause.OTHER, StoreKeyErrors.causeOf(Kvrpcpb.KeyError.newBuilder()
                .setAbort("transaction 1 already committed at 2").build()));
    }
}
