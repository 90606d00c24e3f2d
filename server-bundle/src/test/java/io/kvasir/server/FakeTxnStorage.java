package io.kvasir.server;

import com.google.protobuf.Message;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.api.TxnStorage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link TxnStorage} with no transactions behind it, for driving the facade: it records every
 * request it receives and answers each with the response the test set for that response type
 * ({@link #answer}; by default the type's empty instance). It can be told to fail the next call
 * (by a failed future or a synchronous throw), or to answer a null future or a null response
 * (a broken storage).
 */
final class FakeTxnStorage implements TxnStorage {
    private final ConcurrentLinkedQueue<Message> requests = new ConcurrentLinkedQueue<>();
    private final Map<Class<?>, Message> answers = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failNext = new AtomicReference<>();
    private final AtomicReference<RuntimeException> throwNext = new AtomicReference<>();
    private volatile boolean nullFutureNext;
    private volatile boolean nullResponseNext;

    // --- test controls -------------------------------------------------------------------------

    /** From now on, calls that answer a response of this type answer {@code response}. */
    void answer(Message response) {
        answers.put(response.getClass(), response);
    }

    /** The next call's future fails with {@code t}. */
    void failNext(Throwable t) {
        failNext.set(t);
    }

    /** The next call throws {@code e} instead of returning a future. */
    void throwNext(RuntimeException e) {
        throwNext.set(e);
    }

    /** The next call returns {@code null} instead of a future. */
    void returnNullFutureNext() {
        nullFutureNext = true;
    }

    /** The next call's future completes with {@code null}. */
    void answerNullNext() {
        nullResponseNext = true;
    }

    /** Every request received, in order of arrival. */
    List<Message> requests() {
        return List.copyOf(requests);
    }

    Message lastRequest() {
        Message last = null;
        for (Message m : requests) {
            last = m;
        }
        return last;
    }

    // --- TxnStorage ----------------------------------------------------------------------------

    @Override
    public CompletableFuture<Kvrpcpb.GetResponse> get(Kvrpcpb.GetRequest request) {
        return respond(request, Kvrpcpb.GetResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.BatchGetResponse> batchGet(Kvrpcpb.BatchGetRequest request) {
        return respond(request, Kvrpcpb.BatchGetResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.ScanResponse> scan(Kvrpcpb.ScanRequest request) {
        return respond(request, Kvrpcpb.ScanResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.PrewriteResponse> prewrite(Kvrpcpb.PrewriteRequest request) {
        return respond(request, Kvrpcpb.PrewriteResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.CommitResponse> commit(Kvrpcpb.CommitRequest request) {
        return respond(request, Kvrpcpb.CommitResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.CleanupResponse> cleanup(Kvrpcpb.CleanupRequest request) {
        return respond(request, Kvrpcpb.CleanupResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.BatchRollbackResponse> batchRollback(Kvrpcpb.BatchRollbackRequest request) {
        return respond(request, Kvrpcpb.BatchRollbackResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.CheckTxnStatusResponse> checkTxnStatus(Kvrpcpb.CheckTxnStatusRequest request) {
        return respond(request, Kvrpcpb.CheckTxnStatusResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.TxnHeartBeatResponse> txnHeartBeat(Kvrpcpb.TxnHeartBeatRequest request) {
        return respond(request, Kvrpcpb.TxnHeartBeatResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveLock(Kvrpcpb.ResolveLockRequest request) {
        return respond(request, Kvrpcpb.ResolveLockResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.ScanLockResponse> scanLock(Kvrpcpb.ScanLockRequest request) {
        return respond(request, Kvrpcpb.ScanLockResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.PessimisticLockResponse> pessimisticLock(Kvrpcpb.PessimisticLockRequest request) {
        return respond(request, Kvrpcpb.PessimisticLockResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.PessimisticRollbackResponse> pessimisticRollback(
            Kvrpcpb.PessimisticRollbackRequest request) {
        return respond(request, Kvrpcpb.PessimisticRollbackResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.CheckSecondaryLocksResponse> checkSecondaryLocks(
            Kvrpcpb.CheckSecondaryLocksRequest request) {
        return respond(request, Kvrpcpb.CheckSecondaryLocksResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.DeleteRangeResponse> deleteRange(Kvrpcpb.DeleteRangeRequest request) {
        return respond(request, Kvrpcpb.DeleteRangeResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.GCResponse> gc(Kvrpcpb.GCRequest request) {
        return respond(request, Kvrpcpb.GCResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.MvccGetByKeyResponse> mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest request) {
        return respond(request, Kvrpcpb.MvccGetByKeyResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.MvccGetByStartTsResponse> mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest request) {
        return respond(request, Kvrpcpb.MvccGetByStartTsResponse.getDefaultInstance());
    }

    @Override
    public CompletableFuture<Kvrpcpb.SplitRegionResponse> splitRegion(Kvrpcpb.SplitRegionRequest request) {
        return respond(request, Kvrpcpb.SplitRegionResponse.getDefaultInstance());
    }

    // --- plumbing --------------------------------------------------------------------------------

    private <R extends Message> CompletableFuture<R> respond(Message request, R empty) {
        try {
            return outcome(empty);
        } finally {
            // Recorded only once this call's controls are consumed: a test that waits for the
            // request and then sets the next call's failure cannot hand it to this one.
            requests.add(request);
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends Message> CompletableFuture<R> outcome(R empty) {
        RuntimeException toThrow = throwNext.getAndSet(null);
        if (toThrow != null) {
            throw toThrow;
        }
        if (nullFutureNext) {
            nullFutureNext = false;
            return null;
        }
        Throwable failure = failNext.getAndSet(null);
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (nullResponseNext) {
            nullResponseNext = false;
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture((R) answers.getOrDefault(empty.getClass(), empty));
    }
}
