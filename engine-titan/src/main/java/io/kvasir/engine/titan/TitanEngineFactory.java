package io.kvasir.engine.titan;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.KvEngineFactory;
import java.nio.file.Path;

/** Opens titan engines, with {@link TitanOptions#defaults()} unless given other options. */
public class TitanEngineFactory implements KvEngineFactory {
    private final TitanOptions options;

    public TitanEngineFactory() {
        this(TitanOptions.defaults());
    }

    public TitanEngineFactory(TitanOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return TitanEngine.NAME;
    }

    @Override
    public KvEngine open(Path dir) {
        return TitanEngine.open(dir, options);
    }
}
