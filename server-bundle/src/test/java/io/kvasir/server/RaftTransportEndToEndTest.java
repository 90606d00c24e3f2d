package io.kvasir.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.SnapshotFileFormat;
import io.kvasir.engine.api.SnapshotFileMeta;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.RaftSnapshotData;
import io.kvasir.kvproto.RaftServerpb.SnapshotCFFile;
import io.kvasir.kvproto.RaftServerpb.SnapshotMeta;
import io.kvasir.raft.store.peer.RaftTransport;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import io.kvasir.raft.store.transport.GrpcRaftTransport;
import io.kvasir.raft.store.transport.PdStoreResolver;
import io.kvasir.raft.store.transport.StoreRaftReceiver;
import io.kvasir.raft.store.transport.TransportSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store's transport to another store's TikvService, both real: the wiring the store will do
 * (GrpcRaftTransport over PdStoreResolver; StoreRaftReceiver behind the Raft RPCs).
 */
class RaftTransportEndToEndTest {
    @TempDir
    Path tmp;

    private final List<RaftMessage> delivered = new CopyOnWriteArrayList<>();
    private final List<String> feedback = new CopyOnWriteArrayList<>();

    @Test
    void messagesAndASnapshotCrossFromOneStoreToTheOther() throws Exception {
        SnapshotPaths leaderSnaps = new SnapshotPaths(tmp.resolve("leader"));
        SnapshotPaths followerSnaps = new SnapshotPaths(tmp.resolve("follower"));
        StoreRaftReceiver receiver = new StoreRaftReceiver(followerSnaps, delivered::add, 4);
        TransportSettings settings = TransportSettings.from(ConfigFactory.parseMap(Map.of(
                        "server.snap-chunk-size", "64KiB"))
                .withFallback(ConfigFactory.parseResources(TransportSettings.class.getClassLoader(), "reference.conf")));

        try (Harness follower = Harness.builder().raftReceiver(() -> receiver).start();
             GrpcRaftTransport transport = new GrpcRaftTransport(settings,
                     new PdStoreResolver(id -> Metapb.Store.newBuilder().setId(id).setAddress(follower.address())
                             .setState(Metapb.StoreState.Up).build()),
                     leaderSnaps, new RecordingFeedback())) {
            for (long i = 0; i < 100; i++) {
                transport.send(message(i));
            }
            Await.until(() -> delivered.size() == 100, () -> "delivered " + delivered.size());
            assertEquals(LongStream.range(0, 100).boxed().toList(),
                    delivered.stream().map(m -> m.getMessage().getIndex()).toList());

            SnapKey key = new SnapKey(7, 6, 100);
            RaftMessage header = generateSnapshot(leaderSnaps, key);
            transport.send(header);
            Await.until(() -> feedback.contains("snapshot 7 to 2: true"), () -> "feedback " + feedback);
            assertEquals(header, delivered.get(100));
            for (ColumnFamily cf : ColumnFamily.DATA) {
                assertArrayEquals(Files.readAllBytes(SnapshotPaths.file(leaderSnaps.generated(key), cf)),
                        Files.readAllBytes(SnapshotPaths.file(followerSnaps.received(key), cf)));
            }
            assertFalse(Files.exists(followerSnaps.receiving(key)));
            assertFalse(feedback.stream().anyMatch(f -> f.startsWith("unreachable")), feedback.toString());
        }
    }

    private final class RecordingFeedback implements RaftTransport.Feedback {
        @Override
        public void unreachable(long regionId, long toPeerId) {
            feedback.add("unreachable " + regionId + " " + toPeerId);
        }

        @Override
        public void snapshotStatus(long regionId, long toPeerId, boolean delivered) {
            feedback.add("snapshot " + regionId + " to " + toPeerId + ": " + delivered);
        }
    }

    private static RaftMessage message(long index) {
        return RaftMessage.newBuilder().setRegionId(7)
                .setFromPeer(Metapb.Peer.newBuilder().setId(1).setStoreId(1))
                .setToPeer(Metapb.Peer.newBuilder().setId(2).setStoreId(2))
                .setMessage(Eraftpb.Message.newBuilder().setMsgType(Eraftpb.MessageType.MsgAppend).setIndex(index))
                .build();
    }

    /** The three data column families' files of about 300 KB each, in the engine's snapshot format. */
    private static RaftMessage generateSnapshot(SnapshotPaths paths, SnapKey key) throws Exception {
        Path dir = paths.generated(key);
        Files.createDirectories(dir);
        Random random = new Random(1);
        SnapshotMeta.Builder meta = SnapshotMeta.newBuilder();
        for (ColumnFamily cf : ColumnFamily.DATA) {
            SnapshotFileMeta file;
            try (SnapshotFileFormat.Writer w = new SnapshotFileFormat.Writer(cf, SnapshotPaths.file(dir, cf))) {
                for (int i = 0; i < 1_000; i++) {
                    byte[] value = new byte[300];
                    random.nextBytes(value);
                    w.add(String.format("k%06d", i).getBytes(StandardCharsets.UTF_8), value);
                }
                file = w.finish();
            }
            meta.addCfFiles(SnapshotCFFile.newBuilder().setCf(cf.cfName()).setSize(file.size()).setChecksum(file.checksum()));
        }
        RaftSnapshotData data = RaftSnapshotData.newBuilder().setMeta(meta).build();
        return message(0).toBuilder().setMessage(Eraftpb.Message.newBuilder()
                        .setMsgType(Eraftpb.MessageType.MsgSnapshot).setTo(2).setFrom(1).setTerm(key.term())
                        .setSnapshot(Eraftpb.Snapshot.newBuilder().setData(data.toByteString())
                                .setMetadata(Eraftpb.SnapshotMetadata.newBuilder().setIndex(key.index()).setTerm(key.term()))))
                .build();
    }
}
