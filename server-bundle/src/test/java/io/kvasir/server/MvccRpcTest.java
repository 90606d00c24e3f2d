package io.kvasir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.txn.api.TxnStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MvccGetByKey and MvccGetByStartTs: answered by the storage; their error is a plain string. */
class MvccRpcTest {

    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private Kvrpcpb.MvccGetByKeyRequest request() {
        return Kvrpcpb.MvccGetByKeyRequest.newBuilder().setContext(Harness.CONTEXT).setKey(ByteString.copyFromUtf8("a")).build();
    }

    @Test
    void theInfoTheStorageGivesIsAnsweredAsItIs() {
        Kvrpcpb.MvccGetByKeyResponse answer = Kvrpcpb.MvccGetByKeyResponse.newBuilder().setInfo(Kvrpcpb.MvccInfo
                .newBuilder().addValues(Kvrpcpb.MvccValue.newBuilder().setStartTs(5))).build();
        h.txnStorage.answer(answer);
        assertEquals(answer, h.blocking().mvccGetByKey(request()));
        assertEquals(request(), h.txnStorage.requests().get(0));
    }

    @Test
    void failuresBecomeARegionErrorOrTheErrorText() {
        h.txnStorage.failNext(RegionErrors.regionNotFound(7));
        assertTrue(h.blocking().mvccGetByKey(request()).getRegionError().hasRegionNotFound());
        h.txnStorage.failNext(new TxnStorageException("bad key"));
        assertEquals("bad key", h.blocking().mvccGetByKey(request()).getError());
    }

    private static Kvrpcpb.MvccGetByStartTsRequest byStartTs() {
        return Kvrpcpb.MvccGetByStartTsRequest.newBuilder().setContext(Harness.CONTEXT).setStartTs(42).build();
    }

    @Test
    void theKeyATransactionTouchedIsAnsweredAsTheStorageFoundIt() {
        Kvrpcpb.MvccGetByStartTsResponse answer = Kvrpcpb.MvccGetByStartTsResponse.newBuilder()
                .setKey(ByteString.copyFromUtf8("k")).setInfo(Kvrpcpb.MvccInfo.newBuilder()
                        .setLock(Kvrpcpb.MvccLock.newBuilder().setStartTs(42))).build();
        h.txnStorage.answer(answer);
        assertEquals(answer, h.blocking().mvccGetByStartTs(byStartTs()));
        assertEquals(byStartTs(), h.txnStorage.requests().get(0));

        h.txnStorage.failNext(RegionErrors.regionNotFound(7));
        assertTrue(h.blocking().mvccGetByStartTs(byStartTs()).getRegionError().hasRegionNotFound());
        h.txnStorage.failNext(new TxnStorageException("corrupt record"));
        assertEquals("corrupt record", h.blocking().mvccGetByStartTs(byStartTs()).getError());
    }
}
