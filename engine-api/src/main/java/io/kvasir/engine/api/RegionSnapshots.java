package io.kvasir.engine.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Moving a key range between stores, whatever engine each runs: export writes the range's data
 * of chosen column families from a snapshot to files in the engine-neutral format of
 * {@link SnapshotFileFormat}; import checks every file's checksum and order before it writes
 * anything, then replaces the range in those column families with the files' contents.
 *
 * <p>Import is not atomic across column families: a crash in the middle leaves the range partly
 * replaced. The raftstore guards this the way TiKV does, by recording "applying snapshot" in the
 * region's local state before import and clearing it after, and re-importing on restart.
 */
public interface RegionSnapshots {

    /** Exports {@code range} of {@code cfs} as seen by {@code snapshot} into {@code dir}, one file per column family. */
    SnapshotManifest exportSnapshot(Snapshot snapshot, KeyRange range, List<ColumnFamily> cfs, Path dir);

    /** Replaces the manifest's range, in each of its column families, with the files' contents. */
    void importSnapshot(SnapshotManifest manifest);
}
