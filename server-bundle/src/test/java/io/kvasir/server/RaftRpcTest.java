package io.kvasir.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Raft, BatchRaft and Snapshot streams: they hand everything to the store's receiver, or answer UNAVAILABLE. */
class RaftRpcTest {
    private final FakeRaftReceiver receiver = new FakeRaftReceiver();
    private final AtomicReference<FakeRaftReceiver> current = new AtomicReference<>(receiver);
    private Harness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private Harness withReceiver() throws Exception {
        h = Harness.builder().raftReceiver(current::get).start();
        return h;
    }

    private static RaftMessage message(long index, Eraftpb.MessageType type) {
        return RaftMessage.newBuilder().setRegionId(7)
                .setFromPeer(Metapb.Peer.newBuilder().setId(1).setStoreId(1))
                .setToPeer(Metapb.Peer.newBuilder().setId(2).setStoreId(2))
                .setMessage(Eraftpb.Message.newBuilder().setMsgType(type).setIndex(index))
                .build();
    }

    private static RaftMessage message(long index) {
        return message(index, Eraftpb.MessageType.MsgAppend);
    }

    private static List<Long> indexes(List<RaftMessage> messages) {
        return messages.stream().map(m -> m.getMessage().getIndex()).toList();
    }

    /** Streams {@code items}, completes, and returns how the server ended the call (OK with Done). */
    private static <T> Status stream(Function<StreamObserver<Done>, StreamObserver<T>> open, List<T> items)
            throws Exception {
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<T> requests = open.apply(new StreamObserver<>() {
            private boolean done;

            @Override
            public void onNext(Done value) {
                done = true;
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(done ? Status.OK : Status.INTERNAL.withDescription("completed without Done"));
            }
        });
        items.forEach(requests::onNext);
        requests.onCompleted();
        return end.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theRaftStreamDeliversEachMessageInOrderAndAnswersDone() throws Exception {
        withReceiver();
        Status status = stream(h.async()::raft, List.of(message(1), message(2), message(3)));
        assertTrue(status.isOk(), status.toString());
        assertEquals(List.of(1L, 2L, 3L), indexes(receiver.received));
    }

    @Test
    void theBatchRaftStreamDeliversEveryMessageOfEveryBatch() throws Exception {
        withReceiver();
        Status status = stream(h.async()::batchRaft, List.of(
                BatchRaftMessage.newBuilder().addMsgs(message(1)).addMsgs(message(2)).build(),
                BatchRaftMessage.newBuilder().addMsgs(message(3)).build()));
        assertTrue(status.isOk(), status.toString());
        assertEquals(List.of(1L, 2L, 3L), indexes(receiver.received));
    }

    @Test
    void aSnapshotGoesHeaderFirstThenItsBytesThenFinishes() throws Exception {
        withReceiver();
        RaftMessage header = message(10, Eraftpb.MessageType.MsgSnapshot);
        Status status = stream(h.async()::snapshot, List.of(
                SnapshotChunk.newBuilder().setMessage(header).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFromUtf8("abc")).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFromUtf8("defg")).build()));
        assertTrue(status.isOk(), status.toString());
        FakeRaftReceiver.Sink sink = receiver.sinks.get(0);
        assertEquals(header, sink.header);
        assertArrayEquals("abcdefg".getBytes(), sink.bytes.toByteArray());
        assertTrue(sink.finished);
        assertEquals(List.of(header), receiver.received);
    }

    @Test
    void aSnapshotStreamWithoutItsMessageFirstIsInvalid() throws Exception {
        withReceiver();
        Status status = stream(h.async()::snapshot, List.of(SnapshotChunk.newBuilder().setData(ByteString.copyFromUtf8("x")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("first chunk"), status.getDescription());
        assertTrue(receiver.sinks.isEmpty());

        Status empty = stream(h.async()::snapshot, List.of());
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getCode());
    }

    @Test
    void aRefusedHeaderIsInvalidAndABusyStoreIsExhausted() throws Exception {
        withReceiver();
        List<SnapshotChunk> chunks = List.of(SnapshotChunk.newBuilder().setMessage(message(10, Eraftpb.MessageType.MsgSnapshot)).build());
        receiver.refuseSnapshot = new IllegalArgumentException("snapshot 7_1_10 lists no files");
        Status refused = stream(h.async()::snapshot, chunks);
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getCode());
        assertTrue(refused.getDescription().contains("lists no files"), refused.getDescription());

        receiver.refuseSnapshot = new IllegalStateException("too many snapshots being received");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, stream(h.async()::snapshot, chunks).getCode());
    }

    @Test
    void filesThatDoNotCheckOutAreInvalidAndDropped() throws Exception {
        withReceiver();
        receiver.failFinish = new IllegalStateException("snapshot 7_1_10 rejected: file write is corrupt");
        Status status = stream(h.async()::snapshot, List.of(
                SnapshotChunk.newBuilder().setMessage(message(10, Eraftpb.MessageType.MsgSnapshot)).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFromUtf8("abc")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("corrupt"), status.getDescription());
        assertTrue(receiver.sinks.get(0).aborted, "the half-received snapshot is dropped");
        assertTrue(receiver.received.isEmpty());
    }

    @Test
    void aCancelledSnapshotStreamIsAborted() throws Exception {
        withReceiver();
        var requests = (io.grpc.stub.ClientCallStreamObserver<SnapshotChunk>) h.async().snapshot(new StreamObserver<>() {
            @Override
            public void onNext(Done value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(SnapshotChunk.newBuilder().setMessage(message(10, Eraftpb.MessageType.MsgSnapshot)).build());
        Await.until(() -> !receiver.sinks.isEmpty(), () -> "the snapshot opened");
        requests.cancel("sender gave up", null);
        Await.until(() -> receiver.sinks.get(0).aborted, () -> "the snapshot aborted");
        assertFalse(receiver.sinks.get(0).finished);
    }

    @Test
    void withoutAReceiverEveryRaftStreamIsUnavailable() throws Exception {
        h = Harness.builder().start();
        for (Status s : List.of(
                stream(h.async()::raft, List.of(message(1))),
                stream(h.async()::batchRaft, List.of(BatchRaftMessage.newBuilder().addMsgs(message(1)).build())),
                stream(h.async()::snapshot, List.of(SnapshotChunk.newBuilder().setMessage(message(1)).build())))) {
            assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
            assertTrue(s.getDescription().contains("store not started"), s.getDescription());
        }
    }

    @Test
    void aStoreThatGoesAwayMidStreamEndsItUnavailable() throws Exception {
        withReceiver();
        CompletableFuture<Status> end = new CompletableFuture<>();
        StreamObserver<RaftMessage> requests = h.async().raft(new StreamObserver<>() {
            @Override
            public void onNext(Done value) {
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
            }
        });
        requests.onNext(message(1));
        Await.until(() -> receiver.received.size() == 1, () -> "the first message");
        current.set(null);
        requests.onNext(message(2));
        assertEquals(Status.Code.UNAVAILABLE, end.get(10, TimeUnit.SECONDS).getCode());
        assertEquals(List.of(1L), indexes(receiver.received));
    }
}
