package io.kvasir.engine.rocksdb;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;

/**
 * Reads the engine's settings from the node configuration: {@code storage.data-dir} and the
 * {@code rocksdb.*} keys documented in this bundle's reference.conf. A bad value is reported as a
 * {@link ConfigException.BadValue} naming its key, which the kernel prints as one line.
 *
 * <p>Public because engine-titan embeds this package and tunes its LSM tree with the same
 * {@code rocksdb.*} keys.
 */
public final class RocksDbConfig {

    private RocksDbConfig() {
    }

    /** Where the engine keeps its files: {@code <storage.data-dir>/rocksdb}. */
    static Path dataDir(Config config) {
        return Path.of(config.getString("storage.data-dir")).resolve("rocksdb");
    }

    /** The {@code rocksdb.*} options of {@code config}, which must already hold their defaults. */
    public static RocksDbOptions options(Config config) {
        long soft = nonNegativeBytes(config, "rocksdb.soft-pending-compaction-bytes-limit");
        long hard = nonNegativeBytes(config, "rocksdb.hard-pending-compaction-bytes-limit");
        if (hard < soft) {
            throw bad(config, "rocksdb.hard-pending-compaction-bytes-limit", "must be at least rocksdb.soft-pending-compaction-bytes-limit");
        }
        int slowdown = atLeast(config, "rocksdb.level0-slowdown-writes-trigger", 1);
        int stop = atLeast(config, "rocksdb.level0-stop-writes-trigger", slowdown);
        String compression = config.getString("rocksdb.compression");
        if (!compression.equals("lz4") && !compression.equals("zstd") && !compression.equals("none")) {
            throw bad(config, "rocksdb.compression", "must be one of lz4, zstd, none; got '" + compression + "'");
        }
        return new RocksDbOptions(
                nonNegativeBytes(config, "rocksdb.block-cache-size"),
                atLeastBytes(config, "rocksdb.write-buffer-size", 64 << 10),
                atLeast(config, "rocksdb.max-write-buffer-number", 2),
                atLeast(config, "rocksdb.max-background-jobs", 1),
                slowdown,
                stop,
                soft,
                hard,
                compression,
                (int) Math.min(Integer.MAX_VALUE, atLeastBytes(config, "rocksdb.max-key-size", 1)),
                (int) Math.min(Integer.MAX_VALUE, atLeastBytes(config, "rocksdb.max-value-size", 1)));
    }

    private static int atLeast(Config config, String key, int min) {
        int value = config.getInt(key);
        if (value < min) {
            throw bad(config, key, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static long nonNegativeBytes(Config config, String key) {
        return atLeastBytes(config, key, 0);
    }

    private static long atLeastBytes(Config config, String key, long min) {
        long value = config.getBytes(key);
        if (value < min) {
            throw bad(config, key, "must be at least " + min + " bytes, got " + value);
        }
        return value;
    }

    private static ConfigException bad(Config config, String key, String reason) {
        return new ConfigException.BadValue(config.origin(), key, reason);
    }
}
