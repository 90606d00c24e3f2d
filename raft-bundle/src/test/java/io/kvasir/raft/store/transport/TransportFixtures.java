package io.kvasir.raft.store.transport;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
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
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Builders for the transport tests: settings, Raft messages, generated snapshots. */
final class TransportFixtures {
    static final long LEADER_STORE = 1;

    private TransportFixtures() {
    }

    /** The bundle's reference.conf defaults. */
    static Config reference() {
        return ConfigFactory.parseResources(TransportSettings.class.getClassLoader(), "reference.conf");
    }

    static SettingsBuilder settings() {
        return new SettingsBuilder();
    }

    /** Transport settings: the defaults, with the keys a test sets (by their config names). */
    static final class SettingsBuilder {
        private final Map<String, Object> keys = new HashMap<>();

        SettingsBuilder set(String key, Object value) {
            keys.put("server." + key, value);
            return this;
        }

        SettingsBuilder queueSize(int n) {
            return set("raft-client-queue-size", n);
        }

        SettingsBuilder backoff(String initial, String max) {
            return set("raft-client-initial-reconnect-backoff", initial).set("raft-client-max-backoff", max);
        }

        SettingsBuilder snapRate(String bytesPerSecond) {
            return set("snap-max-write-bytes-per-sec", bytesPerSecond);
        }

        SettingsBuilder snapChunk(String size) {
            return set("snap-chunk-size", size);
        }

        SettingsBuilder dropMessages(double ratio, long seed) {
            return set("raft-message-drop-ratio", ratio).set("raft-message-drop-seed", seed);
        }

        TransportSettings build() {
            return TransportSettings.from(ConfigFactory.parseMap(keys).withFallback(reference()));
        }
    }

    /** A MsgAppend-like message of {@code regionId} to peer {@code peerId} on {@code storeId}, tagged with {@code index}. */
    static RaftMessage message(long regionId, long peerId, long storeId, long index) {
        return RaftMessage.newBuilder()
                .setRegionId(regionId)
                .setFromPeer(Metapb.Peer.newBuilder().setId(peerId + 100_000).setStoreId(LEADER_STORE))
                .setToPeer(Metapb.Peer.newBuilder().setId(peerId).setStoreId(storeId))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .setMessage(Eraftpb.Message.newBuilder()
                        .setMsgType(Eraftpb.MessageType.MsgAppend)
                        .setTo(peerId).setFrom(peerId + 100_000).setTerm(2).setIndex(index))
                .build();
    }

    static SnapshotBuilder snapshot(SnapKey key) {
        return new SnapshotBuilder(key);
    }

    /**
     * A snapshot generated in {@code paths.generated(key)}: one engine-format file per column
     * family, of about the asked size, filled from a seeded random, and its MsgSnapshot message.
     */
    static final class SnapshotBuilder {
        private final SnapKey key;
        private final Map<ColumnFamily, Integer> approxBytes = new LinkedHashMap<>();
        private long toPeer = 2;
        private long toStore = 2;
        private long seed = 42;

        SnapshotBuilder(SnapKey key) {
            this.key = key;
        }

        SnapshotBuilder file(ColumnFamily cf, int approximateBytes) {
            approxBytes.put(cf, approximateBytes);
            return this;
        }

        SnapshotBuilder to(long peerId, long storeId) {
            this.toPeer = peerId;
            this.toStore = storeId;
            return this;
        }

        /** Writes the files and returns the message announcing them. */
        RaftMessage generate(SnapshotPaths paths) {
            Path dir = paths.generated(key);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Random random = new Random(seed);
            SnapshotMeta.Builder meta = SnapshotMeta.newBuilder();
            for (Map.Entry<ColumnFamily, Integer> e : approxBytes.entrySet()) {
                SnapshotFileMeta file = writeFile(SnapshotPaths.file(dir, e.getKey()), e.getKey(), e.getValue(), random);
                meta.addCfFiles(SnapshotCFFile.newBuilder()
                        .setCf(e.getKey().cfName()).setSize(file.size()).setChecksum(file.checksum()));
            }
            return header(meta.build());
        }

        /** The message for files described by {@code meta} (for headers that lie). */
        RaftMessage header(SnapshotMeta meta) {
            RaftSnapshotData data = RaftSnapshotData.newBuilder()
                    .setRegion(Metapb.Region.newBuilder().setId(key.regionId()))
                    .setMeta(meta)
                    .build();
            return headerWithData(data.toByteString());
        }

        RaftMessage headerWithData(ByteString data) {
            return RaftMessage.newBuilder()
                    .setRegionId(key.regionId())
                    .setFromPeer(Metapb.Peer.newBuilder().setId(1).setStoreId(LEADER_STORE))
                    .setToPeer(Metapb.Peer.newBuilder().setId(toPeer).setStoreId(toStore))
                    .setMessage(Eraftpb.Message.newBuilder()
                            .setMsgType(Eraftpb.MessageType.MsgSnapshot)
                            .setTo(toPeer).setFrom(1).setTerm(key.term())
                            .setSnapshot(Eraftpb.Snapshot.newBuilder()
                                    .setData(data)
                                    .setMetadata(Eraftpb.SnapshotMetadata.newBuilder()
                                            .setIndex(key.index()).setTerm(key.term())
                                            .setConfState(Eraftpb.ConfState.newBuilder().addVoters(1).addVoters(toPeer)))))
                    .build();
        }

        private static SnapshotFileMeta writeFile(Path path, ColumnFamily cf, int approximateBytes, Random random) {
            try (SnapshotFileFormat.Writer writer = new SnapshotFileFormat.Writer(cf, path)) {
                int written = 0;
                for (int i = 0; written < approximateBytes; i++) {
                    byte[] key = String.format("k%08d", i).getBytes(StandardCharsets.UTF_8);
                    byte[] value = new byte[64 + random.nextInt(512)];
                    random.nextBytes(value);
                    writer.add(key, value);
                    written += key.length + value.length + 4;
                }
                return writer.finish();
            }
        }
    }

    /** The concatenated bytes of a generated snapshot's files, in cf_files order. */
    static byte[] concatenated(SnapshotPaths paths, SnapKey key, ColumnFamily... cfs) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ColumnFamily cf : cfs) {
                out.write(Files.readAllBytes(SnapshotPaths.file(paths.generated(key), cf)));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
