package io.kvasir.engine.api;

import java.nio.file.Path;

/**
 * One file of a region snapshot: the data of one column family within the snapshot's range.
 *
 * @param checksum CRC32C of the whole file but its last four bytes, which hold the same value
 */
public record SnapshotFileMeta(ColumnFamily cf, Path path, long entries, long size, int checksum) {
}
