package io.kvasir.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the {@code Raft} and {@code BatchRaft} streams: every message goes to the
 * store's {@link RaftMessageReceiver}, which queues it and returns; the stream is answered
 * {@code Done} when the sending store closes it. A message the receiver refuses is dropped (Raft
 * tolerates loss) and the stream goes on. If the store goes away, the stream fails with
 * UNAVAILABLE and the sender reconnects later.
 *
 * @param <T> what the stream carries: one message or a batch of them
 */
final class RaftMessageStream<T> implements StreamObserver<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RaftMessageStream.class);
    static final String NOT_STARTED = "store not started: no Raft message receiver is registered";

    private final Supplier<RaftMessageReceiver> receivers;
    private final Function<T, List<RaftMessage>> messages;
    private final StreamObserver<Done> responses;
    private boolean ended;

    private RaftMessageStream(Supplier<RaftMessageReceiver> receivers, Function<T, List<RaftMessage>> messages,
                              StreamObserver<Done> responses) {
        this.receivers = receivers;
        this.messages = messages;
        this.responses = responses;
    }

    /** The stream's handler, or, when no store is there, an UNAVAILABLE answer and a handler that ignores the rest. */
    static <T> StreamObserver<T> open(Supplier<RaftMessageReceiver> receivers, Function<T, List<RaftMessage>> messages,
                                      StreamObserver<Done> responses) {
        if (receivers.get() == null) {
            return refuse(responses, Status.UNAVAILABLE.withDescription(NOT_STARTED));
        }
        return new RaftMessageStream<>(receivers, messages, responses);
    }

    /** Answers {@code status} at once; what the client still sends is ignored. */
    static <T> StreamObserver<T> refuse(StreamObserver<Done> responses, Status status) {
        send(() -> responses.onError(status.asRuntimeException()));
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    @Override
    public void onNext(T value) {
        if (ended) {
            return;
        }
        RaftMessageReceiver receiver = receivers.get();
        if (receiver == null) {
            ended = true;
            send(() -> responses.onError(Status.UNAVAILABLE.withDescription(NOT_STARTED).asRuntimeException()));
            return;
        }
        for (RaftMessage m : messages.apply(value)) {
            try {
                receiver.receive(m);
            } catch (RuntimeException e) {
                LOG.debug("Raft message of region {} dropped: {}", m.getRegionId(), e.toString());
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        // The sending store went away or cancelled; it reconnects on its own.
        ended = true;
    }

    @Override
    public void onCompleted() {
        if (ended) {
            return;
        }
        ended = true;
        send(() -> {
            responses.onNext(Done.getDefaultInstance());
            responses.onCompleted();
        });
    }

    /** An answer that cannot be sent (the client gave up) is only worth a debug line. */
    static void send(Runnable answer) {
        try {
            answer.run();
        } catch (RuntimeException e) {
            LOG.debug("a Raft stream's answer could not be sent: {}", e.toString());
        }
    }
}
