package io.kvasir.engine.titan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.rocksdb.RocksDbConfig;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads the engine's settings from a node's config: {@code storage.data-dir} (the kernel's key),
 * the {@code titan.*} keys, and the {@code rocksdb.*} keys its LSM tree shares with engine-rocksdb,
 * all documented in this bundle's reference.conf, which also supplies their defaults. A bad value
 * fails with {@link ConfigException.BadValue} naming the key, which the kernel prints as one line.
 */
public final class TitanConfig {
    public static final String DATA_DIR = "storage.data-dir";
    public static final String MIN_BLOB_SIZE = "titan.min-blob-size";
    public static final String BLOB_FILE_SIZE = "titan.blob-file-size";
    public static final String DISCARDABLE_RATIO = "titan.blob-file-discardable-ratio";
    public static final String MERGE_SMALL_FILE_THRESHOLD = "titan.merge-small-file-threshold";
    public static final String GC_INTERVAL = "titan.gc-interval";
    /** The engine's directory under {@code storage.data-dir}. */
    public static final String SUBDIRECTORY = "titan";

    /** Where the engine lives and how it is opened. */
    public record Settings(Path dir, TitanOptions options) {
    }

    private TitanConfig() {
    }

    /**
     * This bundle's reference.conf, read by URL from this class's own loader rather than merged with
     * every reference.conf the loader can see.
     */
    public static Config reference() {
        URL url = TitanConfig.class.getResource("/reference.conf");
        if (url == null) {
            throw new IllegalStateException("engine-titan's reference.conf is missing from its bundle");
        }
        return ConfigFactory.parseURL(url);
    }

    /** The settings in {@code config}, falling back to reference.conf for {@code titan.*} and {@code rocksdb.*} keys. */
    public static Settings fromConfig(Config config) {
        Config c = config.withFallback(reference()).resolve();
        if (!c.hasPath(DATA_DIR)) {
            throw new ConfigException.Missing(DATA_DIR);
        }
        String dataDir = c.getString(DATA_DIR);
        if (dataDir.isBlank()) {
            throw new ConfigException.BadValue(DATA_DIR, "the data directory must not be empty");
        }
        return new Settings(Path.of(dataDir).resolve(SUBDIRECTORY), options(c));
    }

    /** The {@code titan.*} and {@code rocksdb.*} options of {@code config}, falling back to reference.conf. */
    public static TitanOptions options(Config config) {
        Config c = config.withFallback(reference()).resolve();
        RocksDbOptions lsm;
        try {
            lsm = RocksDbConfig.options(c);
        } catch (EngineException e) {
            // RocksDbOptions' own checks, for combinations RocksDbConfig does not name a key for.
            throw new ConfigException.BadValue("rocksdb", e.getMessage());
        }
        long maxValue = lsm.maxValueBytes();
        long minBlob = c.getBytes(MIN_BLOB_SIZE);
        check(minBlob >= 1 && minBlob <= maxValue, MIN_BLOB_SIZE,
                "must be within [1B, rocksdb.max-value-size = " + maxValue + "B], got " + minBlob + " bytes");
        long fileSize = c.getBytes(BLOB_FILE_SIZE);
        check(fileSize >= TitanOptions.MIN_BLOB_FILE_SIZE && fileSize <= TitanOptions.MAX_BLOB_FILE_SIZE, BLOB_FILE_SIZE,
                "must be within [4KiB, 1GiB], got " + fileSize + " bytes");
        double ratio = c.getDouble(DISCARDABLE_RATIO);
        check(ratio > 0 && ratio <= 1, DISCARDABLE_RATIO, "must be within (0, 1], got " + ratio);
        long merge = c.getBytes(MERGE_SMALL_FILE_THRESHOLD);
        check(merge >= 0, MERGE_SMALL_FILE_THRESHOLD, "must not be negative, got " + merge + " bytes");
        Duration interval = c.getDuration(GC_INTERVAL);
        check(!interval.isNegative(), GC_INTERVAL, "must not be negative, got " + interval);
        return new TitanOptions((int) minBlob, fileSize, ratio, merge, interval, lsm);
    }

    private static void check(boolean ok, String path, String reason) {
        if (!ok) {
            throw new ConfigException.BadValue(path, reason);
        }
    }
}
