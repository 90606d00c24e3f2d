package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.rocksdb.RocksDbEngineFactory;
import io.kvasir.engine.tck.EngineTck;

class LmdbEngineTckTest extends EngineTck {
    @Override
    protected KvEngineFactory factory() {
        return new LmdbEngineFactory();
    }

    /** Region snapshots travel LMDB -> RocksDB -> LMDB. */
    @Override
    protected KvEngineFactory peerFactory() {
        return new RocksDbEngineFactory();
    }
}
