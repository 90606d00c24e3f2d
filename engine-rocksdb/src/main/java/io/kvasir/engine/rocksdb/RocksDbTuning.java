package io.kvasir.engine.rocksdb;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * The native option objects built from {@link RocksDbOptions}, owned together so they are freed
 * together when the engine closes. All column families share one block cache, as in TiKV.
 */
// public so that benchmarks can configure a raw baseline identically
public final class RocksDbTuning implements AutoCloseable {
    private final RocksDbOptions options;
    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;

    public RocksDbTuning(RocksDbOptions options) {
        this.options = options;
        this.blockCache = new LRUCache(Math.max(options.blockCacheBytes(), 1L << 20));
        this.bloomFilter = new BloomFilter(10, false);
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(options.maxBackgroundJobs())
                .setBytesPerSync(1L << 20)
                // The status HTTP server exposes engine statistics; RocksDB's own periodic dump adds nothing.
                .setStatsDumpPeriodSec(0);
        this.cfOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(options.writeBufferBytes())
                .setMaxWriteBufferNumber(options.maxWriteBufferNumber())
                .setLevel0FileNumCompactionTrigger(RocksDbOptions.LEVEL0_COMPACTION_TRIGGER)
                .setLevel0SlowdownWritesTrigger(options.level0SlowdownTrigger())
                .setLevel0StopWritesTrigger(options.level0StopTrigger())
                .setSoftPendingCompactionBytesLimit(options.softPendingCompactionBytesLimit())
                .setHardPendingCompactionBytesLimit(options.hardPendingCompactionBytesLimit())
                .setLevelCompactionDynamicLevelBytes(true)
                .setCompressionPerLevel(compressionPerLevel(options.compression()))
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setBlockSize(32 << 10)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true));
    }

    /** Levels 0 and 1 are rewritten soon, so compressing them costs CPU for little gain (TiKV's choice). */
    private static List<CompressionType> compressionPerLevel(String name) {
        CompressionType deep = switch (name) {
            case "zstd" -> CompressionType.ZSTD_COMPRESSION;
            case "none" -> CompressionType.NO_COMPRESSION;
            default -> CompressionType.LZ4_COMPRESSION;
        };
        List<CompressionType> levels = new ArrayList<>();
        for (int level = 0; level < 7; level++) {
            levels.add(level < 2 ? CompressionType.NO_COMPRESSION : deep);
        }
        return levels;
    }

    public RocksDbOptions options() {
        return options;
    }

    public DBOptions dbOptions() {
        return dbOptions;
    }

    public ColumnFamilyOptions cfOptions() {
        return cfOptions;
    }

    /** Options for an SST file writer whose files this engine will ingest. */
    Options sstWriterOptions() {
        return new Options(dbOptions, cfOptions);
    }

    @Override
    public void close() {
        cfOptions.close();
        dbOptions.close();
        bloomFilter.close();
        blockCache.close();
    }
}
