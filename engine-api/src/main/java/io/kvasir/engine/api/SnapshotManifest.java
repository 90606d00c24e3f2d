package io.kvasir.engine.api;

import java.util.List;

/** What a region snapshot holds: the key range, and one verified file per column family. */
public record SnapshotManifest(KeyRange range, List<SnapshotFileMeta> files) {

    public SnapshotManifest {
        files = List.copyOf(files);
    }

    public long totalEntries() {
        return files.stream().mapToLong(SnapshotFileMeta::entries).sum();
    }

    public long totalSize() {
        return files.stream().mapToLong(SnapshotFileMeta::size).sum();
    }
}
