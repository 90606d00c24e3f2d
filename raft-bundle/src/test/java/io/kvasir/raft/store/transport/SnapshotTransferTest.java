package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.concatenated;
import static io.kvasir.raft.store.transport.TransportFixtures.settings;
import static io.kvasir.raft.store.transport.TransportFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots over real gRPC on loopback: whole, corrupt, truncated, cancelled, throttled, refused. */
class SnapshotTransferTest {
    private static final long MIB = 1 << 20;
    private static final ColumnFamily[] CFS = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};

    @TempDir
    Path tmp;

    private SnapshotPaths leader;
    private FakeStoreServer follower;
    private final RecordingFeedback feedback = new RecordingFeedback();
    private GrpcRaftTransport transport;

    @BeforeEach
    void setUp() {
        leader = new SnapshotPaths(tmp.resolve("leader"));
        follower = new FakeStoreServer(tmp.resolve("follower"), 4);
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close();
        }
        follower.close();
    }

    private void startTransport(TransportSettings settings, TransportClock clock) {
        StoreResolver resolver = new PdStoreResolver(id -> Metapb.Store.newBuilder().setId(id)
                .setAddress(follower.address()).setState(Metapb.StoreState.Up).build());
        transport = new GrpcRaftTransport(settings, resolver, leader, feedback, clock);
    }

    /** About 3 MB over three column families. */
    private RaftMessage generate(SnapKey key) {
        return snapshot(key).file(ColumnFamily.DEFAULT, 2_000_000).file(ColumnFamily.LOCK, 20_000)
                .file(ColumnFamily.WRITE, 1_000_000).generate(leader);
    }

    private RecordingFeedback.SnapshotStatus awaitStatus(long regionId) {
        Await.until(() -> feedback.snapshotOf(regionId) != null, () -> "a snapshot status for region " + regionId);
        return feedback.snapshotOf(regionId);
    }

    @Test
    void aSnapshotArrivesByteForByteInReceivedThenItsMessageIsDelivered() throws IOException {
        startTransport(settings().snapChunk("256KiB").snapRate("0").build(), new ManualClock());
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        transport.send(header);

        assertEquals(new RecordingFeedback.SnapshotStatus(5, 2, true), awaitStatus(5));
        assertEquals(List.of(header), follower.delivered);
        for (ColumnFamily cf : CFS) {
            assertArrayEquals(Files.readAllBytes(SnapshotPaths.file(leader.generated(key), cf)),
                    Files.readAllBytes(SnapshotPaths.file(follower.paths.received(key), cf)), cf.cfName());
        }
        assertFalse(Files.exists(follower.paths.receiving(key)));
        assertTrue(Files.exists(SnapshotPaths.file(leader.generated(key), ColumnFamily.DEFAULT)),
                "the sender keeps its files: the store decides when they go");
        assertTrue(follower.batchSizes.isEmpty(), "a snapshot never travels on the message stream");
    }

    @Test
    void aCorruptSnapshotIsRejectedAndTheSenderToldSo() throws IOException {
        startTransport(settings().snapRate("0").build(), new ManualClock());
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        try (RandomAccessFile f = new RandomAccessFile(SnapshotPaths.file(leader.generated(key), ColumnFamily.WRITE).toFile(), "rw")) {
            f.seek(500_000);
            int b = f.read();
            f.seek(500_000);
            f.write(b ^ 0x01);
        }
        transport.send(header);

        assertFalse(awaitStatus(5).delivered());
        assertNothingReceived(key);
    }

    @Test
    void aTruncatedStreamIsRejected() throws Exception {
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        byte[] bytes = concatenated(leader, key, CFS);
        Status status = rawSend(header, bytes, bytes.length - 1_000, false);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().contains("truncated"), status.getDescription());
        assertNothingReceived(key);
    }

    @Test
    void aStreamTheSenderCancelsLeavesNothingBehind() throws Exception {
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        byte[] bytes = concatenated(leader, key, CFS);
        Status status = rawSend(header, bytes, 1_500_000, true);
        assertEquals(Status.Code.CANCELLED, status.getCode());
        Await.until(() -> follower.receiver.receivingCount() == 0, () -> "the receive ended");
        assertNothingReceived(key);
    }

    @Test
    void throttledSendsPaceAtTheConfiguredRate() {
        ManualClock clock = new ManualClock();
        startTransport(settings().snapChunk("256KiB").snapRate("1MiB").build(), clock);
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        transport.send(header);
        assertTrue(awaitStatus(5).delivered());

        long total = concatenated(leader, key, CFS).length;
        // The bucket starts full (one chunk); the rest is paid for at 1 MiB/s, on the manual clock.
        Duration expected = Duration.ofNanos((long) ((total - 256 * 1024) * 1e9 / MIB));
        Duration slept = clock.slept();
        assertTrue(slept.compareTo(expected.minusMillis(1)) >= 0 && slept.compareTo(expected.plusMillis(1)) <= 0,
                "slept " + slept + " for " + total + " bytes, expected about " + expected);
    }

    @Test
    void beyondTheSendLimitASnapshotIsRefusedAtOnce() {
        CountDownLatch release = new CountDownLatch(1);
        TransportClock blocking = new TransportClock() {
            @Override
            public long nanos() {
                return 0;
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                release.await();
            }
        };
        startTransport(settings().set("concurrent-send-snap-limit", 1).snapChunk("256KiB").snapRate("1KiB").build(), blocking);
        RaftMessage first = generate(new SnapKey(5, 6, 100));
        RaftMessage second = generate(new SnapKey(6, 6, 100));
        transport.send(first);
        Await.until(() -> transport.snapshots().inFlight() == 1, () -> "the first send holds the only permit");
        transport.send(second);
        assertEquals(new RecordingFeedback.SnapshotStatus(6, 2, false), feedback.snapshotOf(6), "refused on the spot");

        release.countDown();
        assertTrue(awaitStatus(5).delivered(), "the first one goes through");
    }

    @Test
    void aSnapshotWhoseFilesAreMissingFailsWithoutAConnection() throws IOException {
        startTransport(settings().build(), new ManualClock());
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        Files.delete(SnapshotPaths.file(leader.generated(key), ColumnFamily.LOCK));
        transport.send(header);
        assertFalse(awaitStatus(5).delivered());
        assertNothingReceived(key);
    }

    private void assertNothingReceived(SnapKey key) {
        assertTrue(follower.delivered.isEmpty(), "nothing delivered");
        assertFalse(Files.exists(follower.paths.received(key)), "nothing in received");
        assertFalse(Files.exists(follower.paths.receiving(key)), "the temporary directory is gone");
    }

    /**
     * Streams the header and the first {@code length} bytes by hand, then completes (or cancels)
     * the call, and returns how the server ended it.
     */
    private Status rawSend(RaftMessage header, byte[] bytes, int length, boolean cancel) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forTarget(follower.address()).usePlaintext().build();
        try {
            CompletableFuture<Status> end = new CompletableFuture<>();
            ClientResponseObserver<SnapshotChunk, Done> responses = new ClientResponseObserver<>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
                }

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
            };
            var requests = (ClientCallStreamObserver<SnapshotChunk>) TikvGrpc.newStub(channel).snapshot(responses);
            requests.onNext(SnapshotChunk.newBuilder().setMessage(header).build());
            for (int off = 0; off < length; off += 100_000) {
                requests.onNext(SnapshotChunk.newBuilder()
                        .setData(ByteString.copyFrom(bytes, off, Math.min(100_000, length - off))).build());
            }
            if (cancel) {
                Await.until(() -> Files.exists(follower.paths.receiving(SnapKey.of(header))), () -> "the receive started");
                requests.cancel("test cancels", null);
            } else {
                requests.onCompleted();
            }
            Status status = end.get(10, TimeUnit.SECONDS);
            assertNotNull(status);
            return status;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Fault injection drops a snapshot whole, as a broken stream would, and leaves its files as they were. */
    @Test
    void aSnapshotDroppedOnPurposeIsReportedUndeliveredAndLeftIntact() throws IOException {
        double ratio = 0.5;
        long seed = 0;
        while (new Random(seed).nextDouble() >= ratio) {
            seed++; // a seed whose first draw drops
        }
        startTransport(settings().dropMessages(ratio, seed).snapRate("0").build(), new ManualClock());
        SnapKey key = new SnapKey(5, 6, 100);
        RaftMessage header = generate(key);
        byte[] before = concatenated(leader, key, CFS);

        transport.send(header);

        assertEquals(new RecordingFeedback.SnapshotStatus(5, 2, false), feedback.snapshotOf(5),
                "reported at once, on the sender's thread");
        assertEquals(1, transport.droppedOnPurpose());
        assertArrayEquals(before, concatenated(leader, key, CFS), "the generated files are untouched");
        assertTrue(follower.delivered.isEmpty());
        assertFalse(Files.exists(follower.paths.received(key)), "nothing reached the follower");
    }
}
