package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.SstFileInfo;
import io.kvasir.engine.api.SstWriter;
import java.nio.file.Path;

/**
 * Writes a {@link TitanSortedFile} for {@link TitanEngine#ingest}. Keys and values are checked
 * before anything is written, so a refused entry leaves the writer usable.
 */
final class TitanSstWriter implements SstWriter {
    private final ColumnFamily cf;
    private final Path path;
    private final EngineLimits limits;
    private final TitanSortedFile.Writer writer;
    private byte[] smallest;
    private byte[] largest;
    private long entries;
    private boolean done;

    TitanSstWriter(ColumnFamily cf, Path path, EngineLimits limits) {
        this.cf = cf;
        this.path = path;
        this.limits = limits;
        this.writer = new TitanSortedFile.Writer(cf, path);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        accept(key);
        limits.checkValue(value);
        writer.put(key, value);
        added(key);
    }

    @Override
    public void delete(byte[] key) {
        accept(key);
        writer.delete(key);
        added(key);
    }

    private void accept(byte[] key) {
        if (done) {
            throw EngineException.closed("SST writer");
        }
        limits.checkKey(key);
        if (largest != null && Keys.compare(largest, key) >= 0) {
            throw EngineException.invalidArgument("SST keys must be added in strictly ascending order");
        }
    }

    private void added(byte[] key) {
        if (smallest == null) {
            smallest = key.clone();
        }
        largest = key.clone();
        entries++;
    }

    @Override
    public SstFileInfo finish() {
        if (done) {
            throw EngineException.closed("SST writer");
        }
        if (entries == 0) {
            throw EngineException.invalidArgument("an SST file needs at least one entry");
        }
        long size = writer.finish();
        done = true;
        return new SstFileInfo(path, cf, smallest, largest, entries, size);
    }

    @Override
    public void close() {
        done = true;
        writer.close();
    }
}
