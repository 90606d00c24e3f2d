package io.kvasir.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.raft.api.RaftMessageReceiver.SnapshotSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one {@code Snapshot} stream (TiKV's {@code snap::recv_snap}): the first
 * chunk must carry the {@code MsgSnapshot} message, which opens a {@link SnapshotSink}; the data
 * of every chunk goes to the sink in order; when the sender completes, the sink checks the files
 * and delivers the message, and only then is {@code Done} sent. Anything else ends the stream
 * with a status, and the sink drops what it received:
 * <ul>
 *   <li>INVALID_ARGUMENT — no message in the first chunk, an empty stream, a header the store
 *       refuses, or files that are short, long or corrupt;</li>
 *   <li>RESOURCE_EXHAUSTED — the store is receiving as many snapshots as it will at once;</li>
 *   <li>INTERNAL — anything else, such as a disk error.</li>
 * </ul>
 * A stream the sender cancels is aborted. Chunks arrive one at a time per stream (gRPC's
 * guarantee), so the writes to disk need no lock, and they slow the stream down by themselves.
 */
final class SnapshotStream implements StreamObserver<SnapshotChunk> {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStream.class);

    private final RaftMessageReceiver receiver;
    private final StreamObserver<Done> responses;
    private SnapshotSink sink;
    private boolean ended;

    private SnapshotStream(RaftMessageReceiver receiver, StreamObserver<Done> responses) {
        this.receiver = receiver;
        this.responses = responses;
    }

    /** The stream's handler over the store's receiver, or an UNAVAILABLE answer when there is none. */
    static StreamObserver<SnapshotChunk> open(RaftMessageReceiver receiver, StreamObserver<Done> responses) {
        if (receiver == null) {
            return RaftMessageStream.refuse(responses, Status.UNAVAILABLE.withDescription(RaftMessageStream.NOT_STARTED));
        }
        return new SnapshotStream(receiver, responses);
    }

    @Override
    public void onNext(SnapshotChunk chunk) {
        if (ended) {
            return;
        }
        if (sink == null) {
            if (!chunk.hasMessage()) {
                fail(Status.INVALID_ARGUMENT.withDescription("the first chunk of a snapshot stream must carry its message"));
                return;
            }
            try {
                sink = receiver.receiveSnapshot(chunk.getMessage());
            } catch (IllegalArgumentException e) {
                fail(Status.INVALID_ARGUMENT.withDescription("snapshot refused: " + e.getMessage()));
                return;
            } catch (IllegalStateException e) {
                fail(Status.RESOURCE_EXHAUSTED.withDescription("snapshot refused: " + e.getMessage()));
                return;
            } catch (RuntimeException e) {
                fail(Status.INTERNAL.withDescription("snapshot refused: " + e));
                return;
            }
        }
        if (!chunk.getData().isEmpty()) {
            byte[] data = chunk.getData().toByteArray();
            try {
                sink.write(data, 0, data.length);
            } catch (IllegalArgumentException | IllegalStateException e) {
                fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            } catch (RuntimeException e) {
                fail(Status.INTERNAL.withDescription("snapshot not written: " + e));
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        // The sender cancelled or went away: drop what arrived.
        ended = true;
        abortSink();
    }

    @Override
    public void onCompleted() {
        if (ended) {
            return;
        }
        if (sink == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("empty snapshot stream: no message, no data"));
            return;
        }
        try {
            sink.finish();
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            fail(Status.INTERNAL.withDescription("snapshot not taken: " + e));
            return;
        }
        ended = true;
        RaftMessageStream.send(() -> {
            responses.onNext(Done.getDefaultInstance());
            responses.onCompleted();
        });
    }

    private void fail(Status status) {
        ended = true;
        abortSink();
        RaftMessageStream.send(() -> responses.onError(status.asRuntimeException()));
    }

    private void abortSink() {
        if (sink == null) {
            return;
        }
        try {
            sink.abort();
        } catch (RuntimeException e) {
            LOG.warn("dropping a broken snapshot failed: {}", e.toString());
        }
    }
}
