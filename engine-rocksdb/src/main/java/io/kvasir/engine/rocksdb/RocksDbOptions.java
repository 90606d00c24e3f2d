package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.EngineException;

/**
 * The knobs of the RocksDB engine, with TiKV's defaults where TiKV has one. A node reads them from
 * the {@code rocksdb.*} keys of its configuration ({@link RocksDbConfig}).
 *
 * @param blockCacheBytes        shared LRU block cache for all column families
 * @param writeBufferBytes       memtable size per column family
 * @param maxWriteBufferNumber   memtables per column family before writes stop
 * @param maxBackgroundJobs      flush and compaction threads
 * @param level0SlowdownTrigger  level-0 files at which RocksDB slows writes
 * @param level0StopTrigger      level-0 files at which RocksDB stops writes
 * @param softPendingCompactionBytesLimit pending compaction at which RocksDB slows writes
 * @param hardPendingCompactionBytesLimit pending compaction at which RocksDB stops writes
 * @param compression            lz4, zstd or none, for levels below 1 (levels 0 and 1 stay uncompressed, as in TiKV)
 * @param maxKeyBytes            largest key accepted
 * @param maxValueBytes          largest value accepted
 */
public record RocksDbOptions(
        long blockCacheBytes,
        long writeBufferBytes,
        int maxWriteBufferNumber,
        int maxBackgroundJobs,
        int level0SlowdownTrigger,
        int level0StopTrigger,
        long softPendingCompactionBytesLimit,
        long hardPendingCompactionBytesLimit,
        String compression,
        int maxKeyBytes,
        int maxValueBytes) {

    /** Level-0 files that start a compaction of level 0: RocksDB's and TiKV's default, set explicitly so stats can report it. */
    public static final int LEVEL0_COMPACTION_TRIGGER = 4;

    public RocksDbOptions {
        require(blockCacheBytes >= 0, "block cache size must not be negative");
        require(writeBufferBytes >= 64 << 10, "write buffer must be at least 64 KiB");
        require(maxWriteBufferNumber >= 2, "max write buffer number must be at least 2");
        require(maxBackgroundJobs >= 1, "max background jobs must be at least 1");
        require(level0SlowdownTrigger >= 1 && level0StopTrigger >= level0SlowdownTrigger,
                "level-0 triggers need 1 <= slowdown <= stop");
        require(softPendingCompactionBytesLimit >= 0 && hardPendingCompactionBytesLimit >= softPendingCompactionBytesLimit,
                "pending compaction limits need 0 <= soft <= hard");
        require(compression.equals("lz4") || compression.equals("zstd") || compression.equals("none"),
                "compression must be one of lz4, zstd, none");
        require(maxKeyBytes >= 1, "max key size must be positive");
        require(maxValueBytes >= 1, "max value size must be positive");
    }

    /** TiKV's defaults, scaled down where TiKV sizes things for a whole machine. */
    public static RocksDbOptions defaults() {
        return new RocksDbOptions(256L << 20, 64L << 20, 5, 4, 20, 36, 192L << 30, 256L << 30, "lz4", 64 << 10, 64 << 20);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw EngineException.invalidArgument("%s", message);
        }
    }
}
