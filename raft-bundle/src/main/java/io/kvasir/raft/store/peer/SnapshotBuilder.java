package io.kvasir.raft.store.peer;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.SnapshotFileMeta;
import io.kvasir.engine.api.SnapshotManifest;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.Eraftpb.SnapshotMetadata;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.RaftSnapshotData;
import io.kvasir.kvproto.RaftServerpb.SnapshotCFFile;
import io.kvasir.kvproto.RaftServerpb.SnapshotMeta;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.core.StorageException;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a leader's region snapshots for followers that fell behind its log (TiKV's snapshot
 * generation in the region worker). The engine snapshot is taken by the region's apply machine,
 * at its applied index, so data and index agree; the files are written on a worker thread in the engine-neutral
 * format of engine-api, and until they are ready the core is told to ask again
 * ({@link StorageException.SnapshotTemporarilyUnavailable}), which it does on the next heartbeat
 * response. The last snapshot built is reused while it still covers the compacted log.
 *
 * <p>The Raft {@code Snapshot} carries no data itself: its {@code data} is a
 * {@code RaftSnapshotData} with the region and the files' sizes and checksums, and the transport
 * streams the files beside it. Driver thread only, but for the export.
 */
final class SnapshotBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotBuilder.class);

    /** Where a snapshot would be taken now: the applied region and index. */
    record Point(Metapb.Region region, long index, long term) {
    }

    /** An engine snapshot and the point it was taken at. */
    record Taken(io.kvasir.engine.api.Snapshot view, Point point) {
    }

    private final KvEngine engine;
    private final SnapshotPaths paths;
    private final Executor worker;
    private final long regionId;
    private CompletableFuture<Snapshot> building;
    private Snapshot built;

    SnapshotBuilder(KvEngine engine, SnapshotPaths paths, Executor worker, long regionId) {
        this.engine = engine;
        this.paths = paths;
        this.worker = worker;
        this.regionId = regionId;
    }

    /**
     * A snapshot at index {@code minIndex} or later, or {@code SnapshotTemporarilyUnavailable}
     * while one is being built from what {@code take} yields.
     */
    Snapshot current(long minIndex, Supplier<CompletableFuture<Taken>> take) {
        if (built != null && built.getMetadata().getIndex() >= minIndex) {
            return built;
        }
        if (building != null) {
            if (!building.isDone()) {
                throw new StorageException.SnapshotTemporarilyUnavailable();
            }
            try {
                replace(building.join());
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof StorageException.SnapshotTemporarilyUnavailable)) {
                    LOG.warn("region {}: building a snapshot failed; trying again", regionId, e.getCause());
                }
            }
            building = null;
            if (built != null && built.getMetadata().getIndex() >= minIndex) {
                return built;
            }
        }
        building = take.get().thenApplyAsync(this::export, worker);
        throw new StorageException.SnapshotTemporarilyUnavailable();
    }

    private Snapshot export(Taken taken) {
        Point at = taken.point();
        SnapKey key = new SnapKey(regionId, at.term(), at.index());
        Path dir = paths.generated(key);
        LOG.info("region {}: building snapshot {}", regionId, key);
        try (io.kvasir.engine.api.Snapshot view = taken.view()) {
            SnapshotPaths.delete(dir); // a leftover of an earlier attempt
            KeyRange range = KeyRange.of(DataKeys.data(at.region().getStartKey().toByteArray()),
                    DataKeys.dataEnd(at.region().getEndKey().toByteArray()));
            SnapshotManifest manifest = engine.exportSnapshot(view, range, ColumnFamily.DATA, dir);
            return toRaft(at, manifest);
        }
    }

    private static Snapshot toRaft(Point at, SnapshotManifest manifest) {
        SnapshotMeta.Builder meta = SnapshotMeta.newBuilder();
        for (SnapshotFileMeta f : manifest.files()) {
            meta.addCfFiles(SnapshotCFFile.newBuilder().setCf(f.cf().cfName()).setSize(f.size())
                    .setChecksum(f.checksum()));
        }
        RaftSnapshotData data = RaftSnapshotData.newBuilder()
                .setRegion(at.region())
                .setFileSize(manifest.totalSize())
                .setVersion(1)
                .setMeta(meta)
                .build();
        return Snapshot.newBuilder()
                .setData(data.toByteString())
                .setMetadata(SnapshotMetadata.newBuilder()
                        .setIndex(at.index())
                        .setTerm(at.term())
                        .setConfState(ConfStates.fromRegion(at.region())))
                .build();
    }

    private void replace(Snapshot next) {
        if (built != null) {
            SnapshotPaths.delete(paths.generated(new SnapKey(regionId, built.getMetadata().getTerm(),
                    built.getMetadata().getIndex())));
        }
        built = next;
    }

    /** The peer is going away: drop what was built. */
    void clear() {
        if (building != null) {
            building.thenAccept(s -> SnapshotPaths.delete(paths.generated(new SnapKey(regionId,
                    s.getMetadata().getTerm(), s.getMetadata().getIndex()))));
            building = null;
        }
        replace(null);
    }
}
