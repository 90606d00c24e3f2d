package io.kvasir.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code BatchCommands} call: every entry of every request message is answered on its own,
 * in whatever order the storage completes them, each answer carrying its entry's request id.
 *
 * <p>Sending. {@link StreamObserver} is not thread-safe and answers complete on storage threads,
 * so answers are queued and a single drainer at a time sends them: whichever thread finds no
 * drainer at work becomes it, sends what is queued (up to {@link #MAX_RESPONSES_PER_MESSAGE} per
 * message, so answers that complete together share one message, as TiKV batches them) and
 * leaves only when the queue is empty. The lock guards the queue and the flags, never a send.
 *
 * <p>Ending. When the client half-closes, the stream completes once every entry received so far
 * has been answered and sent. When the client cancels, or sending fails, queued and later answers
 * are dropped.
 *
 * <p>Entries are matched to ids by position, as TiKV zips {@code request_ids} with
 * {@code requests}: entries beyond the shorter of the two lists are ignored.
 */
@PerformanceCriticalPath
final class BatchCommandsStream implements StreamObserver<BatchCommandsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchCommandsStream.class);

    /** TiKV's {@code GRPC_MSG_MAX_BATCH_SIZE}. */
    static final int MAX_RESPONSES_PER_MESSAGE = 128;

    private record Answer(long requestId, BatchCommandsResponse.Response response) {
    }

    private final BatchCommandRouter router;
    private final StreamObserver<BatchCommandsResponse> out;
    private final Object lock = new Object();

    // Guarded by lock.
    private final ArrayDeque<Answer> ready = new ArrayDeque<>();
    private int outstanding;
    private boolean halfClosed;
    private boolean draining;
    private boolean finished;

    BatchCommandsStream(BatchCommandRouter router, StreamObserver<BatchCommandsResponse> out) {
        this.router = router;
        this.out = out;
        if (out instanceof ServerCallStreamObserver<BatchCommandsResponse> call) {
            // Also keeps grpc-java from throwing on a send after cancellation.
            call.setOnCancelHandler(this::abandon);
        }
    }

    @Override
    public void onNext(BatchCommandsRequest request) {
        int n = Math.min(request.getRequestsCount(), request.getRequestIdsCount());
        if (n != request.getRequestsCount() || n != request.getRequestIdsCount()) {
            LOG.debug("BatchCommands message with {} entries and {} ids: answering the first {}",
                    request.getRequestsCount(), request.getRequestIdsCount(), n);
        }
        for (int i = 0; i < n; i++) {
            long id = request.getRequestIds(i);
            synchronized (lock) {
                if (finished) {
                    return;
                }
                outstanding++;
            }
            CompletableFuture<BatchCommandsResponse.Response> answer;
            try {
                answer = router.route(request.getRequests(i));
            } catch (RuntimeException e) {
                LOG.error("BatchCommands entry {} could not be dispatched; answered with an empty response", id, e);
                answer = CompletableFuture.completedFuture(BatchCommandsResponse.Response.getDefaultInstance());
            }
            answer.whenComplete((response, error) -> answered(id, error == null
                    ? response : BatchCommandsResponse.Response.getDefaultInstance()));
        }
    }

    @Override
    public void onError(Throwable t) {
        LOG.debug("BatchCommands stream ended by the client: {}", t.toString());
        abandon();
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
        }
        drain();
    }

    private void answered(long id, BatchCommandsResponse.Response response) {
        synchronized (lock) {
            if (finished) {
                return;
            }
            outstanding--;
            ready.add(new Answer(id, response));
        }
        drain();
    }

    private void abandon() {
        synchronized (lock) {
            finished = true;
            ready.clear();
        }
    }

    private void drain() {
        synchronized (lock) {
            if (draining) {
                return;
            }
            draining = true;
        }
        while (true) {
            BatchCommandsResponse message = null;
            boolean complete = false;
            synchronized (lock) {
                if (finished) {
                    draining = false;
                    return;
                }
                if (!ready.isEmpty()) {
                    message = takeMessage();
                } else if (halfClosed && outstanding == 0) {
                    finished = true;
                    complete = true;
                } else {
                    draining = false;
                    return;
                }
            }
            try {
                if (complete) {
                    out.onCompleted();
                } else {
                    out.onNext(message);
                }
            } catch (RuntimeException e) {
                LOG.debug("BatchCommands stream could not be written, dropping it: {}", e.toString());
                abandon();
            }
            if (complete) {
                synchronized (lock) {
                    draining = false;
                }
                return;
            }
        }
    }

    /** Called with the lock held and {@code ready} not empty. */
    private BatchCommandsResponse takeMessage() {
        BatchCommandsResponse.Builder b = BatchCommandsResponse.newBuilder();
        for (int i = 0; i < MAX_RESPONSES_PER_MESSAGE && !ready.isEmpty(); i++) {
            Answer a = ready.poll();
            b.addResponses(a.response()).addRequestIds(a.requestId());
        }
        return b.build();
    }
}
