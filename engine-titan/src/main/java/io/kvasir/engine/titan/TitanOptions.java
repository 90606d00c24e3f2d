package io.kvasir.engine.titan;

import io.kvasir.engine.rocksdb.RocksDbOptions;
import java.time.Duration;

/**
 * The knobs of the titan engine, read from the {@code titan.*} keys of a node's configuration by
 * {@link TitanConfig}; defaults are Titan's where it has one.
 *
 * @param minBlobSize              values of at least this many bytes go to blob files
 * @param blobFileSize             a blob file is sealed before it would grow past this
 * @param discardableRatio         GC rewrites a sealed file once this fraction of its bytes is garbage
 * @param mergeSmallFileThreshold  GC merges sealed files smaller than this (when there are two or more); 0 = never
 * @param gcInterval               period of the background GC thread; zero = no thread
 * @param lsm                      the RocksDB engine holding keys, small values and blob indexes
 */
public record TitanOptions(
        int minBlobSize,
        long blobFileSize,
        double discardableRatio,
        long mergeSmallFileThreshold,
        Duration gcInterval,
        RocksDbOptions lsm) {

    /** Record offsets in a blob file are 32-bit, and records start below this size. */
    public static final long MAX_BLOB_FILE_SIZE = 1L << 30;
    public static final long MIN_BLOB_FILE_SIZE = 4L << 10;

    public TitanOptions {
        require(minBlobSize >= 1, "min blob size must be at least 1 byte");
        require(blobFileSize >= MIN_BLOB_FILE_SIZE && blobFileSize <= MAX_BLOB_FILE_SIZE, "blob file size must be within [4KiB, 1GiB]");
        require(discardableRatio > 0 && discardableRatio <= 1, "discardable ratio must be within (0, 1]");
        require(mergeSmallFileThreshold >= 0, "merge threshold must not be negative");
        require(gcInterval != null && !gcInterval.isNegative(), "GC interval must not be negative");
        require(lsm != null, "LSM options are required");
    }

    /** Titan's defaults: 1 KiB values and up in 256 MiB blob files, GC at half garbage, every 10 s. */
    public static TitanOptions defaults() {
        return new TitanOptions(1 << 10, 256L << 20, 0.5, 8L << 20, Duration.ofSeconds(10), RocksDbOptions.defaults());
    }

    public TitanOptions withMinBlobSize(int bytes) {
        return new TitanOptions(bytes, blobFileSize, discardableRatio, mergeSmallFileThreshold, gcInterval, lsm);
    }

    public TitanOptions withBlobFileSize(long bytes) {
        return new TitanOptions(minBlobSize, bytes, discardableRatio, mergeSmallFileThreshold, gcInterval, lsm);
    }

    public TitanOptions withDiscardableRatio(double ratio) {
        return new TitanOptions(minBlobSize, blobFileSize, ratio, mergeSmallFileThreshold, gcInterval, lsm);
    }

    public TitanOptions withMergeSmallFileThreshold(long bytes) {
        return new TitanOptions(minBlobSize, blobFileSize, discardableRatio, bytes, gcInterval, lsm);
    }

    public TitanOptions withGcInterval(Duration interval) {
        return new TitanOptions(minBlobSize, blobFileSize, discardableRatio, mergeSmallFileThreshold, interval, lsm);
    }

    public TitanOptions withLsm(RocksDbOptions options) {
        return new TitanOptions(minBlobSize, blobFileSize, discardableRatio, mergeSmallFileThreshold, gcInterval, options);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
