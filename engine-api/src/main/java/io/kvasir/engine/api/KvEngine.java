package io.kvasir.engine.api;

import java.nio.file.Path;
import java.util.List;

/**
 * A local key-value engine: the capabilities of this package composed into one service. Engine
 * bundles register their open engine in the OSGi service registry under this interface, with
 * their name in the {@link #ENGINE_NAME} property.
 *
 * <p>All methods are thread-safe unless an object says otherwise. After {@link #close()} every call
 * fails with {@link EngineException.Code#CLOSED}, and snapshots, iterators and batches made by the
 * engine are closed with it, so no call can touch freed native memory.
 */
public interface KvEngine extends Peekable, Scannable, Mutable, RangeProperties, SortedFiles, RegionSnapshots,
        Checkpoints, AutoCloseable {

    /** Service property holding the engine's name, e.g. {@code (kvasir.engine.name=rocksdb)}. */
    String ENGINE_NAME = "kvasir.engine.name";

    /** The engine's name: {@code rocksdb}, {@code lmdb}, {@code titan}. */
    String name();

    /** The directory the engine keeps its data in. */
    Path path();

    EngineLimits limits();

    /** A point-in-time view of every column family. The caller closes it. */
    Snapshot snapshot();

    /**
     * Makes everything written so far durable in the engine's main files (RocksDB flushes its
     * memtables), so that approximations and checkpoints see it. Blocks until done.
     */
    void flush();

    EngineStats stats();

    @Override
    default SnapshotManifest exportSnapshot(Snapshot snapshot, KeyRange range, List<ColumnFamily> cfs, Path dir) {
        return SnapshotFileFormat.export(snapshot, range, cfs, dir);
    }

    @Override
    default void importSnapshot(SnapshotManifest manifest) {
        SnapshotFileFormat.importInto(this, manifest);
    }

    /** Closes the engine and everything it handed out. Idempotent. */
    @Override
    void close();
}
