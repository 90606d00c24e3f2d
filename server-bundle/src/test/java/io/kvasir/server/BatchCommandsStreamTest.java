package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static io.kvasir.server.Harness.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Tikvpb.BatchCommandsEmptyRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse.Response.CmdCase;
import io.kvasir.raft.api.RegionException;
import io.kvasir.txn.api.RawStorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BatchCommands stream: ids, interleaving, unsupported entries, errors inside entries, half-close. */
class BatchCommandsStreamTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /** The client side of one stream: every message received, and how the stream ended. */
    static final class Recorder implements StreamObserver<BatchCommandsResponse> {
        final List<BatchCommandsResponse> messages = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        /** Answers received when the stream completed; -1 until then. */
        final AtomicInteger answersAtCompletion = new AtomicInteger(-1);

        @Override
        public synchronized void onNext(BatchCommandsResponse m) {
            messages.add(m);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
            ended.countDown();
        }

        @Override
        public synchronized void onCompleted() {
            answersAtCompletion.set(answerCount());
            ended.countDown();
        }

        synchronized int answerCount() {
            return messages.stream().mapToInt(BatchCommandsResponse::getResponsesCount).sum();
        }

        /** Answers by request id; fails on an id answered twice or a message whose lists differ in length. */
        synchronized Map<Long, BatchCommandsResponse.Response> byId() {
            Map<Long, BatchCommandsResponse.Response> out = new HashMap<>();
            for (BatchCommandsResponse m : messages) {
                assertEquals(m.getResponsesCount(), m.getRequestIdsCount(), "one id per response");
                for (int i = 0; i < m.getResponsesCount(); i++) {
                    assertNull(out.put(m.getRequestIds(i), m.getResponses(i)), "id " + m.getRequestIds(i) + " answered twice");
                }
            }
            return out;
        }

        void awaitEnd() throws InterruptedException {
            assertTrue(ended.await(10, TimeUnit.SECONDS), "stream did not end");
        }
    }

    private static BatchCommandsRequest.Request rawGet(String key) {
        return BatchCommandsRequest.Request.newBuilder().setRawGet(Kvrpcpb.RawGetRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs(key))).build();
    }

    private static BatchCommandsRequest.Request rawPut(String key, String value) {
        return BatchCommandsRequest.Request.newBuilder().setRawPut(Kvrpcpb.RawPutRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs(key)).setValue(bs(value))).build();
    }

    private static BatchCommandsRequest.Request rawScan(String start, int limit) {
        return BatchCommandsRequest.Request.newBuilder().setRawScan(Kvrpcpb.RawScanRequest.newBuilder()
                .setContext(CONTEXT).setStartKey(bs(start)).setLimit(limit)).build();
    }

    private static BatchCommandsRequest.Request empty(long testId, long delayMs) {
        return BatchCommandsRequest.Request.newBuilder().setEmpty(BatchCommandsEmptyRequest.newBuilder()
                .setTestId(testId).setDelayTime(delayMs)).build();
    }

    private static BatchCommandsRequest message(Object... idsAndRequests) {
        BatchCommandsRequest.Builder b = BatchCommandsRequest.newBuilder();
        for (int i = 0; i < idsAndRequests.length; i += 2) {
            b.addRequestIds((Long) idsAndRequests[i]).addRequests((BatchCommandsRequest.Request) idsAndRequests[i + 1]);
        }
        return b.build();
    }

    @Test
    void interleavedCommandsAreAnsweredUnderTheirOwnIds() throws Exception {
        h.seed("a", "1", "b", "2", "c", "3");
        h.storage.hold();
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(message(
                10L, rawGet("a"),
                11L, rawPut("new", "x"),
                12L, rawGet("missing")));
        req.onNext(message(
                20L, rawScan("b", 5),
                21L, empty(77, 0),
                22L, BatchCommandsRequest.Request.newBuilder().setRawBatchGet(Kvrpcpb.RawBatchGetRequest.newBuilder()
                        .setContext(CONTEXT).addKeys(bs("c")).addKeys(bs("zz"))).build(),
                23L, BatchCommandsRequest.Request.newBuilder().setRawDelete(Kvrpcpb.RawDeleteRequest.newBuilder()
                        .setContext(CONTEXT).setKey(bs("zz"))).build()));
        Await.until(() -> h.storage.heldCount() == 6, () -> "6 held storage calls, have " + h.storage.heldCount());
        // Empty needs no storage: it is answered while the others wait.
        Await.until(() -> rec.answerCount() == 1, () -> "the Empty answer");
        assertEquals(77, rec.byId().get(21L).getEmpty().getTestId());

        h.storage.releaseAll();
        req.onCompleted();
        rec.awaitEnd();
        assertNull(rec.error.get());

        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        assertEquals(7, byId.size());
        assertEquals("1", byId.get(10L).getRawGet().getValue().toStringUtf8());
        assertEquals(CmdCase.RAWPUT, byId.get(11L).getCmdCase());
        assertEquals("", byId.get(11L).getRawPut().getError());
        assertTrue(byId.get(12L).getRawGet().getNotFound());
        assertEquals(List.of(kv("b", "2"), kv("c", "3")), byId.get(20L).getRawScan().getKvsList().stream()
                .filter(p -> !p.getKey().toStringUtf8().equals("new")).toList());
        assertEquals(List.of(kv("c", "3")), byId.get(22L).getRawBatchGet().getPairsList());
        assertEquals(CmdCase.RAWDELETE, byId.get(23L).getCmdCase());
        assertEquals("x", new String(h.storage.peek("new").orElseThrow()));
    }

    @Test
    void unsupportedEntriesGetAnEmptyResponseAndTheStreamGoesOn() throws Exception {
        h.seed("a", "1");
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(message(
                1L, BatchCommandsRequest.Request.newBuilder().setImport(Kvrpcpb.ImportRequest.newBuilder()
                        .setCommitVersion(5)).build(),
                2L, BatchCommandsRequest.Request.getDefaultInstance(),
                3L, rawGet("a")));
        req.onCompleted();
        rec.awaitEnd();
        assertNull(rec.error.get());
        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        assertEquals(CmdCase.CMD_NOT_SET, byId.get(1L).getCmdCase());
        assertEquals(CmdCase.CMD_NOT_SET, byId.get(2L).getCmdCase());
        assertEquals("1", byId.get(3L).getRawGet().getValue().toStringUtf8());
        assertEquals(2, h.metrics.snapshot(Command.UNSUPPORTED).requests());
    }

    @Test
    void failuresAreAnsweredInsideTheirEntry() throws Exception {
        Errorpb.Error epochNotMatch = Errorpb.Error.newBuilder().setMessage("epoch not match")
                .setEpochNotMatch(Errorpb.EpochNotMatch.getDefaultInstance()).build();
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);

        // Each failure is armed only once the previous entry has reached the storage.
        h.storage.failNext(new RawStorageException(RawStorageException.Kind.INVALID_ARGUMENT, "bad range"));
        req.onNext(message(1L, rawScan("a", 1)));
        awaitStorageCalls(1);
        h.storage.failNext(new RegionException(epochNotMatch));
        req.onNext(message(2L, rawPut("k", "v")));
        awaitStorageCalls(2);
        h.storage.failNext(new IllegalStateException("boom"));
        req.onNext(message(3L, rawGet("k")));
        awaitStorageCalls(3);
        req.onNext(message(4L, BatchCommandsRequest.Request.newBuilder().setRawBatchPut(Kvrpcpb.RawBatchPutRequest
                .newBuilder().setContext(CONTEXT).addPairs(kv("p", "1")).addTtls(1).addTtls(2).addTtls(3)).build()));
        req.onNext(message(5L, BatchCommandsRequest.Request.newBuilder().setRawBatchScan(Kvrpcpb.RawBatchScanRequest
                .newBuilder().setContext(CONTEXT).addRanges(Kvrpcpb.KeyRange.newBuilder()
                        .setStartKey(bs("z")).setEndKey(bs("a")))).build()));
        req.onCompleted();
        rec.awaitEnd();

        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        Kvrpcpb.RawScanResponse scan = byId.get(1L).getRawScan();
        assertEquals(1, scan.getKvsCount());
        assertEquals("bad range", scan.getKvs(0).getError().getAbort(), "TiKV's shape: one pair carrying the error");
        assertEquals(epochNotMatch, byId.get(2L).getRawPut().getRegionError());
        assertTrue(byId.get(3L).getRawGet().getError().startsWith(Failure.INTERNAL_PREFIX));
        assertTrue(byId.get(4L).getRawBatchPut().getError().contains("ttls"));
        assertTrue(byId.get(5L).getRawBatchScan().getKvs(0).getError().getAbort().contains("Invalid KeyRanges"));
    }

    private void awaitStorageCalls(int n) {
        Await.until(() -> h.storage.calls().size() >= n, () -> n + " storage calls, have " + h.storage.calls().size());
    }

    @Test
    void halfCloseCompletesOnlyAfterEveryAnswerIsSent() throws Exception {
        h.storage.hold();
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(message(1L, rawPut("a", "1"), 2L, rawGet("a")));
        req.onNext(message(3L, empty(5, 30)));
        req.onCompleted();
        Await.until(() -> h.storage.heldCount() == 2, () -> "2 held calls");
        assertEquals(1, rec.ended.getCount(), "still open while answers are outstanding");

        h.storage.releaseAll();
        rec.awaitEnd();
        assertNull(rec.error.get());
        assertEquals(3, rec.answersAtCompletion.get(), "every answer before the end of the stream");
        assertEquals(5, rec.byId().get(3L).getEmpty().getTestId());
    }

    @Test
    void halfCloseWithNothingOutstandingCompletesAtOnce() throws Exception {
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onCompleted();
        rec.awaitEnd();
        assertNull(rec.error.get());
        assertEquals(0, rec.answersAtCompletion.get());
    }

    @Test
    void idsAndEntriesArePairedByPosition() throws Exception {
        h.seed("a", "1");
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(BatchCommandsRequest.newBuilder()
                .addRequests(rawGet("a")).addRequests(rawGet("a")).addRequests(rawGet("a"))
                .addRequestIds(100).addRequestIds(101).build());
        req.onCompleted();
        rec.awaitEnd();
        assertEquals(java.util.Set.of(100L, 101L), rec.byId().keySet());
    }

    @Test
    void manyAnswersCompletingOnManyThreadsAreEachSentOnce() throws Exception {
        h.storage.completeElsewhere();
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        int messages = 40;
        int perMessage = 50;
        long id = 0;
        for (int m = 0; m < messages; m++) {
            BatchCommandsRequest.Builder b = BatchCommandsRequest.newBuilder();
            for (int i = 0; i < perMessage; i++) {
                b.addRequestIds(id).addRequests(i % 2 == 0 ? rawPut("k" + id, "v" + id) : rawGet("k" + (id - 1)));
                id++;
            }
            req.onNext(b.build());
        }
        req.onCompleted();
        rec.awaitEnd();
        assertNull(rec.error.get());
        Map<Long, BatchCommandsResponse.Response> byId = rec.byId();
        assertEquals(messages * perMessage, byId.size());
        for (long i = 0; i < id; i++) {
            assertEquals(i % 2 == 0 ? CmdCase.RAWPUT : CmdCase.RAWGET, byId.get(i).getCmdCase(), "id " + i);
        }
        synchronized (rec) {
            assertTrue(rec.messages.stream().allMatch(m -> m.getResponsesCount() <= BatchCommandsStream.MAX_RESPONSES_PER_MESSAGE));
        }
    }

    @Test
    void aCancelledStreamDropsItsAnswersAndTheServerGoesOn() throws Exception {
        h.storage.hold();
        Recorder rec = new Recorder();
        StreamObserver<BatchCommandsRequest> req = h.async().batchCommands(rec);
        req.onNext(message(1L, rawGet("a")));
        Await.until(() -> h.storage.heldCount() == 1, () -> "the held call");
        req.onError(new RuntimeException("client gives up"));
        rec.awaitEnd();
        h.storage.releaseAll();

        Recorder next = new Recorder();
        StreamObserver<BatchCommandsRequest> again = h.async().batchCommands(next);
        again.onNext(message(2L, rawPut("b", "2")));
        again.onCompleted();
        next.awaitEnd();
        assertNull(next.error.get());
        assertFalse(next.byId().get(2L).getRawPut().hasRegionError());
    }
}
