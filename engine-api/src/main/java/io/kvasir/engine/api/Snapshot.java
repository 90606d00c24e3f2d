package io.kvasir.engine.api;

/**
 * A consistent, read-only, point-in-time view of every column family of an engine. Writes made
 * after the snapshot was taken are invisible to it. Snapshots pin old data (RocksDB keeps the
 * versions, LMDB keeps the pages), so they must be closed promptly; closing the engine closes them.
 * A snapshot may be read by several threads at once.
 */
public interface Snapshot extends Peekable, Scannable, AutoCloseable {

    /** Releases the snapshot. Idempotent. */
    @Override
    void close();
}
