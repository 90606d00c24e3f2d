package io.kvasir.engine.titan;

import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.rocksdb.RocksDbEngineFactory;
import io.kvasir.engine.tck.EngineTck;

/** The TCK with default options: the TCK's small values stay in the LSM tree, its large ones (4 KiB and up) go to blob files. */
class TitanEngineTckTest extends EngineTck {
    @Override
    protected KvEngineFactory factory() {
        return new TitanEngineFactory();
    }

    /** Region snapshots travel titan -> RocksDB -> titan. */
    @Override
    protected KvEngineFactory peerFactory() {
        return new RocksDbEngineFactory();
    }
}
