package io.kvasir.engine.api;

/**
 * Pressure figures for flow control and metrics. A figure the engine does not have is
 * {@link #NOT_APPLICABLE}: LMDB has no compaction, no memtables and no level 0.
 *
 * @param totalBytes              bytes the engine occupies on disk
 * @param estimatedKeys           approximate number of keys over all column families
 * @param pendingCompactionBytes  bytes compaction still has to rewrite (RocksDB's estimate)
 * @param pendingCompactionSoftLimit where the engine starts slowing writes down on its own
 * @param pendingCompactionHardLimit where the engine stops writes
 * @param level0Files             files in level 0, the largest over the column families
 * @param level0CompactionTrigger level-0 files at which the engine compacts level 0: more means it is falling behind
 * @param level0SlowdownTrigger   level-0 files at which the engine slows writes
 * @param level0StopTrigger       level-0 files at which the engine stops writes
 * @param immutableMemtables      memtables waiting to be flushed, the largest over the column families
 * @param maxWriteBuffers         memtables per column family at which writes stop
 * @param memtableBytes           bytes held in memtables
 * @param runningCompactions      compactions in progress
 */
public record EngineStats(
        long totalBytes,
        long estimatedKeys,
        long pendingCompactionBytes,
        long pendingCompactionSoftLimit,
        long pendingCompactionHardLimit,
        long level0Files,
        long level0CompactionTrigger,
        long level0SlowdownTrigger,
        long level0StopTrigger,
        long immutableMemtables,
        long maxWriteBuffers,
        long memtableBytes,
        long runningCompactions) {

    public static final long NOT_APPLICABLE = -1;
}
