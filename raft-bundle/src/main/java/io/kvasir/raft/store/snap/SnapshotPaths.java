package io.kvasir.raft.store.snap;

import io.kvasir.engine.api.ColumnFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a store keeps region snapshots on disk (TiKV's {@code <data-dir>/snap}): one directory per
 * snapshot, one file per column family inside. A leader builds into {@code gen_<key>}; a receiver
 * writes into {@code rcv_<key>.tmp} and renames it to {@code rcv_<key>} once every file checked out,
 * so a {@code rcv_} directory is always complete.
 */
public final class SnapshotPaths {

    private final Path root;

    public SnapshotPaths(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where the sender's files of {@code key} are built. */
    public Path generated(SnapKey key) {
        return root.resolve("gen_" + key);
    }

    /** Where a receiver writes {@code key}'s files while they arrive. */
    public Path receiving(SnapKey key) {
        return root.resolve("rcv_" + key + ".tmp");
    }

    /** Where {@code key}'s files are once received whole. */
    public Path received(SnapKey key) {
        return root.resolve("rcv_" + key);
    }

    /** The file of {@code cf} in a snapshot directory. */
    public static Path file(Path dir, ColumnFamily cf) {
        return dir.resolve(cf.cfName() + ".kvsnap"); // the name SnapshotFileFormat.export gives it
    }

    /** Deletes a snapshot directory and its files, if there. */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot directory " + dir, e);
        }
    }
}
