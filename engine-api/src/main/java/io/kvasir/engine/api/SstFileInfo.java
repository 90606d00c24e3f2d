package io.kvasir.engine.api;

import java.nio.file.Path;

/** A finished sorted file: where it is, what it covers. */
public record SstFileInfo(Path path, ColumnFamily cf, byte[] smallestKey, byte[] largestKey, long entries, long fileSize) {
}
