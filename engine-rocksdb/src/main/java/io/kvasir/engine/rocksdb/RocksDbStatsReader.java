package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.EngineStats;
import java.util.Collection;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Reads RocksDB's properties into {@link EngineStats}: sums where the engine adds up, maxima where the worst column family decides. */
final class RocksDbStatsReader {

    private RocksDbStatsReader() {
    }

    static EngineStats read(RocksDB db, Collection<ColumnFamilyHandle> handles, RocksDbOptions options) throws RocksDBException {
        long sst = 0;
        long keys = 0;
        long pending = 0;
        long level0 = 0;
        long immutable = 0;
        long memtable = 0;
        for (ColumnFamilyHandle cf : handles) {
            sst += db.getLongProperty(cf, "rocksdb.total-sst-files-size");
            keys += db.getLongProperty(cf, "rocksdb.estimate-num-keys");
            pending += db.getLongProperty(cf, "rocksdb.estimate-pending-compaction-bytes");
            // A string property: RocksDB answers NotFound when it is read as an integer one.
            level0 = Math.max(level0, Long.parseLong(db.getProperty(cf, "rocksdb.num-files-at-level0").trim()));
            immutable = Math.max(immutable, db.getLongProperty(cf, "rocksdb.num-immutable-mem-table"));
            memtable += db.getLongProperty(cf, "rocksdb.cur-size-all-mem-tables");
        }
        long running = db.getLongProperty("rocksdb.num-running-compactions");
        return new EngineStats(sst + memtable, keys, pending,
                options.softPendingCompactionBytesLimit(), options.hardPendingCompactionBytesLimit(),
                level0, RocksDbOptions.LEVEL0_COMPACTION_TRIGGER, options.level0SlowdownTrigger(), options.level0StopTrigger(),
                immutable, options.maxWriteBufferNumber(), memtable, running);
    }
}
