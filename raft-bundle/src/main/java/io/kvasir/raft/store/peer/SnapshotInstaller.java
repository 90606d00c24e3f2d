package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.SnapshotFileMeta;
import io.kvasir.engine.api.SnapshotManifest;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.PeerState;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftLocalState;
import io.kvasir.kvproto.RaftServerpb.RaftSnapshotData;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.kvproto.RaftServerpb.RegionLocalState;
import io.kvasir.kvproto.RaftServerpb.SnapshotCFFile;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replaces a follower's region with a snapshot from its leader (TiKV {@code apply_snapshot}): the
 * region, its data and its Raft state all move to the snapshot's index.
 *
 * <p>Crash safety, as in TiKV: the new Raft, apply and region states are written (synced) first,
 * with the region marked {@code Applying}; then the data is imported; then the region is marked
 * {@code Normal}. Import is not atomic, so a restart that finds {@code Applying} imports the
 * received files again ({@link #resume}) before the peer serves; the files are deleted only
 * after the {@code Normal} mark is durable.
 */
final class SnapshotInstaller {

    /** The peer's state after a snapshot. */
    record Installed(Metapb.Region region, RaftLocalState raftState, RaftApplyState applyState) {
    }

    private SnapshotInstaller() {
    }

    /** The region a snapshot carries. */
    static Metapb.Region regionOf(Snapshot snap) {
        return data(snap).getRegion();
    }

    /**
     * Installs {@code snap} for region {@code regionId}, whose log held {@code (truncated, last]}
     * and whose hard state is {@code hardState} (the Ready's, or the persisted one).
     */
    static Installed install(KvEngine engine, SnapshotPaths paths, long regionId, Snapshot snap, HardState hardState) {
        RaftSnapshotData data = data(snap);
        long index = snap.getMetadata().getIndex();
        long term = snap.getMetadata().getTerm();
        Metapb.Region region = data.getRegion();
        if (region.getId() != regionId) {
            throw new IllegalStateException("region " + regionId + ": snapshot is of region " + region.getId());
        }
        SnapKey key = new SnapKey(regionId, term, index);
        Path dir = paths.received(key);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("region " + regionId + ": snapshot files " + dir + " are missing");
        }
        RaftLocalState raftState = RaftLocalState.newBuilder()
                .setHardState(hardState.toBuilder()
                        .setTerm(Math.max(hardState.getTerm(), term))
                        .setCommit(Math.max(hardState.getCommit(), index)))
                .setLastIndex(index)
                .build();
        RaftApplyState applyState = RaftApplyState.newBuilder()
                .setAppliedIndex(index)
                .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(index).setTerm(term))
                .build();
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.deleteRange(ColumnFamily.RAFT, LocalKeys.raftLogStart(regionId), LocalKeys.raftLogEnd(regionId));
            batch.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(regionId), raftState.toByteArray());
            batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(regionId), applyState.toByteArray());
            batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(regionId), RegionLocalState.newBuilder()
                    .setState(PeerState.Applying).setRegion(region).build().toByteArray());
            engine.write(batch, WriteOptions.SYNC);
        }
        importData(engine, region, dir, data);
        markNormal(engine, region);
        SnapshotPaths.delete(dir);
        return new Installed(region, raftState, applyState);
    }

    /**
     * Finishes an install a crash interrupted: imports the received files of the snapshot at the
     * persisted apply state again, then marks the region {@code Normal}.
     */
    static void resume(KvEngine engine, SnapshotPaths paths, Metapb.Region region, RaftApplyState applyState) {
        RaftTruncatedState at = applyState.getTruncatedState();
        Path dir = paths.received(new SnapKey(region.getId(), at.getTerm(), at.getIndex()));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("region " + region.getId() + " was applying snapshot " + dir
                    + " when the store stopped, and its files are gone");
        }
        importData(engine, region, dir, null);
        markNormal(engine, region);
        SnapshotPaths.delete(dir);
    }

    private static void importData(KvEngine engine, Metapb.Region region, Path dir, RaftSnapshotData data) {
        KeyRange range = KeyRange.of(DataKeys.data(region.getStartKey().toByteArray()),
                DataKeys.dataEnd(region.getEndKey().toByteArray()));
        List<SnapshotFileMeta> files = new ArrayList<>();
        if (data != null) {
            for (SnapshotCFFile f : data.getMeta().getCfFilesList()) {
                ColumnFamily cf = ColumnFamily.fromName(f.getCf());
                Path file = SnapshotPaths.file(dir, cf);
                files.add(new SnapshotFileMeta(cf, file, trailer(file).getLong(), f.getSize(), f.getChecksum()));
            }
        } else {
            for (ColumnFamily cf : ColumnFamily.DATA) {
                Path file = SnapshotPaths.file(dir, cf);
                if (Files.exists(file)) {
                    ByteBuffer trailer = trailer(file);
                    files.add(new SnapshotFileMeta(cf, file, trailer.getLong(), sizeOf(file), trailer.getInt()));
                }
            }
        }
        engine.importSnapshot(new SnapshotManifest(range, files));
    }

    private static void markNormal(KvEngine engine, Metapb.Region region) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            batch.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(region.getId()), RegionLocalState.newBuilder()
                    .setState(PeerState.Normal).setRegion(region).build().toByteArray());
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    private static RaftSnapshotData data(Snapshot snap) {
        try {
            return RaftSnapshotData.parseFrom(snap.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("snapshot data is no RaftSnapshotData", e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A snapshot file's trailer: its entry count (8 bytes) and checksum (4 bytes), see
     * SnapshotFileFormat. Taken on trust here because import checks both against the file's
     * contents, and the checksum against the one the leader announced.
     */
    private static ByteBuffer trailer(Path file) {
        try (var ch = FileChannel.open(file)) {
            ByteBuffer tail = ByteBuffer.allocate(12);
            if (ch.size() < 12) {
                throw new IllegalStateException("snapshot file " + file + " is truncated");
            }
            ch.read(tail, ch.size() - 12);
            return tail.flip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
