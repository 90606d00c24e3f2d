package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.KvEngineFactory;
import java.nio.file.Path;

/** Opens LMDB engines, with {@link LmdbOptions#DEFAULT} unless given other options. */
public final class LmdbEngineFactory implements KvEngineFactory {
    private final LmdbOptions options;

    public LmdbEngineFactory() {
        this(LmdbOptions.DEFAULT);
    }

    public LmdbEngineFactory(LmdbOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return LmdbEngine.NAME;
    }

    @Override
    public KvEngine open(Path dir) {
        return LmdbEngine.open(dir, options);
    }
}
