package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.SstFileInfo;
import io.kvasir.engine.api.SstWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.EnvOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileWriter;

/**
 * Writes a native RocksDB SST file, ingested later without being rewritten. Key order is checked
 * here, before RocksDB sees the key, so that a refused key leaves the writer usable.
 */
final class RocksDbSstWriter implements SstWriter {
    private final ColumnFamily cf;
    private final Path path;
    private final EngineLimits limits;
    private final EnvOptions envOptions = new EnvOptions();
    private final Options options;
    private final SstFileWriter writer;
    private byte[] smallest;
    private byte[] largest;
    private long entries;
    private boolean done;

    RocksDbSstWriter(ColumnFamily cf, Path path, EngineLimits limits, Options options) {
        this.cf = cf;
        this.path = path;
        this.limits = limits;
        this.options = options;
        this.writer = new SstFileWriter(envOptions, options);
        try {
            writer.open(path.toString());
        } catch (RocksDBException e) {
            release();
            throw RocksDbErrors.translate("cannot create SST file " + path, e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        accept(key);
        limits.checkValue(value);
        try {
            writer.put(key, value);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("SST put failed", e);
        }
        added(key);
    }

    @Override
    public void delete(byte[] key) {
        accept(key);
        try {
            writer.delete(key);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("SST delete failed", e);
        }
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
        try {
            writer.finish();
            done = true;
            release();
            return new SstFileInfo(path, cf, smallest, largest, entries, Files.size(path));
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("cannot finish SST file " + path, e);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot stat SST file " + path, e);
        }
    }

    @Override
    public void close() {
        if (done) {
            return;
        }
        done = true;
        release();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot delete unfinished SST file " + path, e);
        }
    }

    private void release() {
        writer.close();
        options.close();
        envOptions.close();
    }
}
