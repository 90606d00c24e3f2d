package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.SnapshotFileFormat;
import io.kvasir.engine.api.SnapshotFileMeta;
import io.kvasir.engine.api.SstFileInfo;
import io.kvasir.engine.api.SstWriter;
import java.nio.file.Path;

/**
 * Writes an LMDB sorted file (see {@link LmdbSortedFile} for the format: a snapshot-format file
 * with a header record, prefixed keys and values tagged as put or delete). Touches no native memory, so it does not hold the
 * engine's gate and may outlive the engine.
 */
final class LmdbSstWriter implements SstWriter {
    private final ColumnFamily cf;
    private final Path path;
    private final EngineLimits limits;
    private final SnapshotFileFormat.Writer writer;
    private byte[] smallest;
    private byte[] largest;
    private long entries;
    private boolean finished;
    private boolean closed;

    LmdbSstWriter(ColumnFamily cf, Path path, EngineLimits limits) {
        this.cf = cf;
        this.path = path;
        this.limits = limits;
        this.writer = new SnapshotFileFormat.Writer(cf, path);
        try {
            writer.add(LmdbSortedFile.HEADER_KEY, LmdbSortedFile.HEADER_VALUE);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        checkWritable();
        limits.checkKey(key);
        limits.checkValue(value);
        add(key.clone(), LmdbSortedFile.tagPut(value));
    }

    @Override
    public void delete(byte[] key) {
        checkWritable();
        limits.checkKey(key);
        add(key.clone(), LmdbSortedFile.tagDelete());
    }

    /** The format's writer refuses a key out of order before writing anything, so the file stays usable. */
    private void add(byte[] key, byte[] tagged) {
        writer.add(LmdbSortedFile.prefixKey(key), tagged);
        if (smallest == null) {
            smallest = key;
        }
        largest = key;
        entries++;
    }

    @Override
    public SstFileInfo finish() {
        checkWritable();
        if (entries == 0) {
            throw EngineException.invalidArgument("an empty sorted file cannot be finished: add at least one entry");
        }
        SnapshotFileMeta meta = writer.finish();
        finished = true;
        return new SstFileInfo(path, cf, smallest.clone(), largest.clone(), entries, meta.size());
    }

    /** Deletes the file unless it was finished. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            writer.close();
        }
    }

    private void checkWritable() {
        if (closed) {
            throw EngineException.closed("sorted file writer");
        }
        if (finished) {
            throw EngineException.invalidState("sorted file %s is already finished", path.getFileName());
        }
    }
}
