package io.kvasir.engine.titan;

import io.kvasir.engine.api.KvEngineFactory;
import io.kvasir.engine.rocksdb.RocksDbEngineFactory;
import io.kvasir.engine.tck.EngineTck;

/** The TCK with every non-empty value in a blob file, and blob files small enough to roll over often. */
class TitanAllBlobsTckTest extends EngineTck {
    @Override
    protected KvEngineFactory factory() {
        return new AllBlobsFactory();
    }

    @Override
    protected KvEngineFactory peerFactory() {
        return new RocksDbEngineFactory();
    }

    /** Public with a no-arg constructor: the TCK's crash test names it to a child JVM. */
    public static final class AllBlobsFactory extends TitanEngineFactory {
        public AllBlobsFactory() {
            super(TitanOptions.defaults().withMinBlobSize(1).withBlobFileSize(256 << 10));
        }
    }
}
