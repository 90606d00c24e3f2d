package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.KvEngineFactory;
import java.nio.file.Path;

/** Opens RocksDB engines with default options. */
public final class RocksDbEngineFactory implements KvEngineFactory {

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public KvEngine open(Path dir) {
        return RocksDbEngine.open(dir, RocksDbOptions.defaults());
    }
}
