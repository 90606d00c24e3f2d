package io.kvasir.server;

import static io.kvasir.server.TxnRpcs.abort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import io.kvasir.raft.api.RegionException;
import io.kvasir.server.BatchCommandsStreamTest.Recorder;
import io.kvasir.server.TxnRpcs.TxnRpc;
import io.kvasir.txn.api.TxnStorageException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transactional entries of the BatchCommands stream go through the same commands as the unary RPCs. */
class TxnBatchCommandsTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    @Test
    void everyTransactionalEntryIsAnsweredInItsOwnCaseUnderItsId() throws Exception {
        List<TxnRpc> rpcs = TxnRpcs.all();
        rpcs.forEach(rpc -> h.txnStorage.answer(rpc.answer()));
        BatchCommandsRequest.Builder message = BatchCommandsRequest.newBuilder();
        for (int i = 0; i < rpcs.size(); i++) {
            message.addRequestIds(100 + i).addRequests(rpcs.get(i).entry());
        }
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(message.build());
        req.onCompleted();
        rec.awaitEnd();
        assertNull(rec.error.get());

        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        assertEquals(rpcs.size(), byId.size());
        for (int i = 0; i < rpcs.size(); i++) {
            TxnRpc rpc = rpcs.get(i);
            assertEquals(rpc.answer(), rpc.fromEntry().apply(byId.get(100L + i)), rpc.name());
            assertEquals(rpc.request(), h.txnStorage.requests().get(i), rpc.name());
            assertEquals(1, h.metrics.snapshot(rpc.command()).requests(), rpc.name());
        }
        assertEquals(0, h.metrics.snapshot(Command.UNSUPPORTED).requests());
    }

    /** Get, Prewrite and Commit, the heart of a transaction, with each kind of failure. */
    @Test
    void failuresAreAnsweredInsideTheirTransactionalEntry() throws Exception {
        TxnRpc get = byName("KvGet");
        TxnRpc prewrite = byName("KvPrewrite");
        TxnRpc commit = byName("KvCommit");
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);

        // The fake fails synchronously, so each failure is used by the entry sent right after it.
        h.txnStorage.failNext(new RegionException(TxnRpcMappingTest.NOT_LEADER));
        req.onNext(BatchCommandsRequest.newBuilder().addRequestIds(1).addRequests(get.entry()).build());
        awaitRequests(1);
        h.txnStorage.failNext(new TxnStorageException("pessimistic transactions are not supported yet"));
        req.onNext(BatchCommandsRequest.newBuilder().addRequestIds(2).addRequests(prewrite.entry()).build());
        awaitRequests(2);
        h.txnStorage.failNext(new IllegalStateException("boom"));
        req.onNext(BatchCommandsRequest.newBuilder().addRequestIds(3).addRequests(commit.entry()).build());
        awaitRequests(3);
        req.onCompleted();
        rec.awaitEnd();

        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        assertEquals(Kvrpcpb.GetResponse.newBuilder().setRegionError(TxnRpcMappingTest.NOT_LEADER).build(),
                byId.get(1L).getGet());
        assertEquals(Kvrpcpb.PrewriteResponse.newBuilder()
                .addErrors(abort("pessimistic transactions are not supported yet")).build(), byId.get(2L).getPrewrite());
        assertEquals(Kvrpcpb.CommitResponse.newBuilder()
                .setError(abort(Failure.INTERNAL_PREFIX + "java.lang.IllegalStateException: boom")).build(),
                byId.get(3L).getCommit());
    }

    private void awaitRequests(int n) {
        Await.until(() -> h.txnStorage.requests().size() >= n,
                () -> n + " storage requests, have " + h.txnStorage.requests().size());
    }

    private static TxnRpc byName(String name) {
        return TxnRpcs.all().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
