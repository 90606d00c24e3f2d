package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.concatenated;
import static io.kvasir.raft.store.transport.TransportFixtures.message;
import static io.kvasir.raft.store.transport.TransportFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotCFFile;
import io.kvasir.kvproto.RaftServerpb.SnapshotMeta;
import io.kvasir.raft.api.RaftMessageReceiver.SnapshotSink;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiving end without gRPC: headers, files on disk, checks, rename, delivery. */
class StoreRaftReceiverTest {
    private static final SnapKey KEY = new SnapKey(5, 6, 100);
    private static final ColumnFamily[] CFS = {ColumnFamily.DEFAULT, ColumnFamily.LOCK, ColumnFamily.WRITE};

    @TempDir
    Path tmp;

    private SnapshotPaths leader;
    private SnapshotPaths follower;
    private final List<RaftMessage> delivered = new CopyOnWriteArrayList<>();
    private StoreRaftReceiver receiver;

    @BeforeEach
    void setUp() {
        leader = new SnapshotPaths(tmp.resolve("leader"));
        follower = new SnapshotPaths(tmp.resolve("follower"));
        receiver = new StoreRaftReceiver(follower, delivered::add, 2);
    }

    private RaftMessage generate() {
        return snapshot(KEY).file(ColumnFamily.DEFAULT, 200_000).file(ColumnFamily.LOCK, 3_000)
                .file(ColumnFamily.WRITE, 90_000).generate(leader);
    }

    /** Feeds {@code bytes} in pieces of {@code piece} bytes, so that pieces straddle file ends. */
    private static void feed(SnapshotSink sink, byte[] bytes, int piece) {
        for (int off = 0; off < bytes.length; off += piece) {
            sink.write(bytes, off, Math.min(piece, bytes.length - off));
        }
    }

    @Test
    void aWholeSnapshotLandsInReceivedByteForByteThenIsDelivered() throws IOException {
        RaftMessage header = generate();
        SnapshotSink sink = receiver.receiveSnapshot(header);
        feed(sink, concatenated(leader, KEY, CFS), 7_777);
        assertTrue(delivered.isEmpty(), "nothing delivered before finish");
        sink.finish();

        assertEquals(List.of(header), delivered);
        assertFalse(Files.exists(follower.receiving(KEY)));
        for (ColumnFamily cf : CFS) {
            assertArrayEquals(Files.readAllBytes(SnapshotPaths.file(leader.generated(KEY), cf)),
                    Files.readAllBytes(SnapshotPaths.file(follower.received(KEY), cf)), cf.cfName());
        }
        assertEquals(0, receiver.receivingCount());
        sink.abort();
        assertTrue(Files.exists(follower.received(KEY)), "abort after finish is harmless");
    }

    @Test
    void aCorruptFileIsRejectedAtFinishAndNothingRemains() {
        RaftMessage header = generate();
        byte[] bytes = concatenated(leader, KEY, CFS);
        bytes[250_000] ^= 0x40;
        SnapshotSink sink = receiver.receiveSnapshot(header);
        feed(sink, bytes, 65_536);
        IllegalStateException e = assertThrows(IllegalStateException.class, sink::finish);
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void aTruncatedSnapshotIsRejectedAtFinish() {
        RaftMessage header = generate();
        byte[] bytes = concatenated(leader, KEY, CFS);
        SnapshotSink sink = receiver.receiveSnapshot(header);
        feed(sink, Arrays.copyOf(bytes, bytes.length - 10), 100_000);
        IllegalStateException e = assertThrows(IllegalStateException.class, sink::finish);
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertNothingLeft();
    }

    @Test
    void bytesBeyondTheAnnouncedFilesAreRefusedOnWrite() {
        RaftMessage header = generate();
        byte[] bytes = concatenated(leader, KEY, CFS);
        SnapshotSink sink = receiver.receiveSnapshot(header);
        feed(sink, bytes, 1 << 20);
        assertThrows(IllegalStateException.class, () -> sink.write(new byte[1], 0, 1));
        sink.abort();
        assertNothingLeft();
    }

    @Test
    void abortDropsTheHalfReceivedDirectory() {
        RaftMessage header = generate();
        SnapshotSink sink = receiver.receiveSnapshot(header);
        sink.write(concatenated(leader, KEY, CFS), 0, 210_000);
        assertTrue(Files.isDirectory(follower.receiving(KEY)));
        sink.abort();
        sink.abort();
        assertNothingLeft();
        assertThrows(IllegalStateException.class, sink::finish);
    }

    @Test
    void aRetriedSnapshotReplacesTheCompleteOneOfTheSameKey() throws IOException {
        RaftMessage header = generate();
        byte[] bytes = concatenated(leader, KEY, CFS);
        SnapshotSink first = receiver.receiveSnapshot(header);
        feed(first, bytes, 1 << 20);
        first.finish();
        Files.writeString(follower.received(KEY).resolve("stray"), "from the first copy");

        SnapshotSink retry = receiver.receiveSnapshot(header);
        feed(retry, bytes, 1 << 20);
        retry.finish();
        assertEquals(List.of(header, header), delivered);
        assertFalse(Files.exists(follower.received(KEY).resolve("stray")), "the directory was replaced, not merged");
    }

    @Test
    void theSameSnapshotTwiceAtOnceAndTooManyAtOnceAreRefused() {
        RaftMessage header = generate();
        SnapshotSink sink = receiver.receiveSnapshot(header);
        assertThrows(IllegalArgumentException.class, () -> receiver.receiveSnapshot(header));
        SnapKey other = new SnapKey(6, 6, 100);
        RaftMessage second = snapshot(other).file(ColumnFamily.DEFAULT, 1_000).generate(leader);
        SnapshotSink sink2 = receiver.receiveSnapshot(second);
        RaftMessage third = snapshot(new SnapKey(7, 6, 100)).file(ColumnFamily.DEFAULT, 1_000).generate(leader);
        assertThrows(IllegalStateException.class, () -> receiver.receiveSnapshot(third), "limit of 2");
        sink.abort();
        sink2.abort();
        receiver.receiveSnapshot(third).abort();
    }

    @Test
    void headersThatAreNotSnapshotsAreRefused() {
        var b = snapshot(KEY);
        SnapshotCFFile ok = SnapshotCFFile.newBuilder().setCf("default").setSize(100).setChecksum(1).build();
        assertRefused("not a snapshot", message(5, 2, 2, 1));
        assertRefused("not a RaftSnapshotData", b.headerWithData(ByteString.copyFrom(new byte[] {(byte) 0xFF, 0x07})));
        assertRefused("lists no files", b.header(SnapshotMeta.getDefaultInstance()));
        assertRefused("unknown column family", b.header(SnapshotMeta.newBuilder()
                .addCfFiles(ok.toBuilder().setCf("nosuch")).build()));
        assertRefused("twice", b.header(SnapshotMeta.newBuilder().addCfFiles(ok).addCfFiles(ok).build()));
        assertRefused("impossible size", b.header(SnapshotMeta.newBuilder()
                .addCfFiles(ok.toBuilder().setSize(3)).build()));
        assertRefused("impossible size", b.header(SnapshotMeta.newBuilder()
                .addCfFiles(ok.toBuilder().setSize(-1L)).build()));
        assertRefused("too large", b.header(SnapshotMeta.newBuilder()
                .addCfFiles(ok.toBuilder().setSize(Long.MAX_VALUE))
                .addCfFiles(ok.toBuilder().setCf("write").setSize(Long.MAX_VALUE)).build()));
        assertFalse(Files.exists(follower.root()), "a refused header leaves nothing on disk");
    }

    @Test
    void plainMessagesAreDeliveredAndASnapshotWithoutItsFilesIsDropped() {
        RaftMessage m = message(5, 2, 2, 9);
        receiver.receive(m);
        receiver.receive(generate());
        assertEquals(List.of(m), delivered);
    }

    private void assertRefused(String why, RaftMessage header) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> receiver.receiveSnapshot(header));
        assertTrue(e.getMessage().contains(why), "expected '" + why + "' in: " + e.getMessage());
        assertEquals(0, receiver.receivingCount());
    }

    private void assertNothingLeft() {
        assertTrue(delivered.isEmpty(), "nothing delivered");
        assertFalse(Files.exists(follower.received(KEY)), "nothing received");
        assertFalse(Files.exists(follower.receiving(KEY)), "the temporary directory is gone");
        assertEquals(0, receiver.receivingCount());
    }
}
