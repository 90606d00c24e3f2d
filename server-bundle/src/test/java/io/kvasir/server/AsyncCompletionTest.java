package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Handlers return at once and answer when the storage future completes, on whatever thread that is. */
class AsyncCompletionTest {

    @Test
    void handlersDoNotWaitForTheStorage() throws Exception {
        // One server thread: a handler that waited for its future would hold it, and the second
        // and third requests would never reach the storage.
        try (Harness h = Harness.builder().serverThreads(1).start()) {
            h.storage.hold();
            List<ListenableFuture<Kvrpcpb.RawPutResponse>> puts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                puts.add(h.future().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT)
                        .setKey(bs("k" + i)).setValue(bs("v" + i)).build()));
            }
            Await.until(() -> h.storage.heldCount() == 3, () -> "3 held calls, have " + h.storage.heldCount());
            assertTrue(puts.stream().noneMatch(ListenableFuture::isDone), "nothing answered before the storage");

            h.storage.releaseAll();
            for (ListenableFuture<Kvrpcpb.RawPutResponse> put : puts) {
                assertEquals("", put.get(10, TimeUnit.SECONDS).getError());
            }
            assertEquals("v2", new String(h.storage.peek("k2").orElseThrow()));
        }
    }

    @Test
    void answersCompletedOnAStorageThreadReachTheClient() throws Exception {
        try (Harness h = Harness.builder().start()) {
            h.seed("a", "1", "b", "2");
            h.storage.completeElsewhere();
            Kvrpcpb.RawGetResponse get = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                    .setKey(bs("a")).build());
            assertEquals("1", get.getValue().toStringUtf8());
            Kvrpcpb.RawScanResponse scan = h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                    .setLimit(10).build());
            assertEquals(2, scan.getKvsCount());
            // Several range scans completing on different threads still come back in range order.
            Kvrpcpb.RawBatchScanResponse batch = h.blocking().rawBatchScan(Kvrpcpb.RawBatchScanRequest.newBuilder()
                    .setContext(CONTEXT).setEachLimit(1)
                    .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")).setEndKey(bs("b")))
                    .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("b")).setEndKey(bs("c")))
                    .build());
            assertEquals(List.of("a", "b"), batch.getKvsList().stream().map(p -> p.getKey().toStringUtf8()).toList());
        }
    }

    @Test
    void aLateFailureIsStillAnswered() throws Exception {
        try (Harness h = Harness.builder().start()) {
            h.storage.hold();
            h.storage.failNext(new IllegalStateException("late"));
            ListenableFuture<Kvrpcpb.RawGetResponse> get = h.future().rawGet(Kvrpcpb.RawGetRequest.newBuilder()
                    .setContext(CONTEXT).setKey(bs("a")).build());
            Await.until(() -> h.storage.heldCount() == 1, () -> "the held call");
            assertFalse(get.isDone());
            h.storage.releaseAll();
            assertTrue(get.get(10, TimeUnit.SECONDS).getError().startsWith(Failure.INTERNAL_PREFIX));
        }
    }
}
