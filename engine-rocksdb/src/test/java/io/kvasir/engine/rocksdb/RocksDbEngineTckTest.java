package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.tck.EngineTck;

class RocksDbEngineTckTest extends EngineTck {
    @Override
    protected KvEngineFactory factory() {
        return new RocksDbEngineFactory();
    }
}
