package io.kvasir.engine.lmdb;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads the engine's settings from a node's config: {@code storage.data-dir} (the kernel's key)
 * and the {@code lmdb.*} keys documented in this bundle's reference.conf, which also supplies
 * their defaults. A bad value fails with {@link ConfigException.BadValue} naming the key, which
 * the kernel prints as one line.
 */
public final class LmdbConfig {
    public static final String DATA_DIR = "storage.data-dir";
    public static final String MAP_SIZE = "lmdb.map-size";
    public static final String GROWTH_FACTOR = "lmdb.map-growth-factor";
    public static final String GROWTH_MIN_STEP = "lmdb.map-growth-min-step";
    public static final String GROWTH_THRESHOLD = "lmdb.map-growth-threshold";
    public static final String GROWTH_TIMEOUT = "lmdb.growth-timeout";
    public static final String MAX_READERS = "lmdb.max-readers";
    public static final String MAX_VALUE_SIZE = "lmdb.max-value-size";
    /** The engine's directory under {@code storage.data-dir}. */
    public static final String SUBDIRECTORY = "lmdb";

    /** Where the engine lives and how it is opened. */
    public record Settings(Path dir, LmdbOptions options) {
    }

    private LmdbConfig() {
    }

    /**
     * This bundle's reference.conf: the defaults of every {@code lmdb.*} key. Read by URL from this
     * class's own loader, not merged with every reference.conf that loader can see.
     */
    public static Config reference() {
        URL url = LmdbConfig.class.getResource("/reference.conf");
        if (url == null) {
            throw new IllegalStateException("engine-lmdb's reference.conf is missing from its bundle");
        }
        return ConfigFactory.parseURL(url);
    }

    /** The settings in {@code config}, falling back to reference.conf for {@code lmdb.*} keys. */
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

    /** The {@code lmdb.*} options of {@code config}, falling back to reference.conf. */
    public static LmdbOptions options(Config config) {
        Config c = config.withFallback(reference()).resolve();
        long mapSize = c.getBytes(MAP_SIZE);
        check(mapSize >= LmdbOptions.MIN_MAP_SIZE, MAP_SIZE, "must be at least 64KiB, got " + mapSize + " bytes");
        double factor = c.getDouble(GROWTH_FACTOR);
        check(factor >= 1.0 && factor <= 64, GROWTH_FACTOR, "must be within [1.0, 64], got " + factor);
        long step = c.getBytes(GROWTH_MIN_STEP);
        check(step >= 0, GROWTH_MIN_STEP, "must not be negative, got " + step);
        check(factor > 1.0 || step > 0, GROWTH_MIN_STEP, "must be positive when " + GROWTH_FACTOR + " is 1.0, or the map could never grow");
        double threshold = c.getDouble(GROWTH_THRESHOLD);
        check(threshold > 0 && threshold <= 1, GROWTH_THRESHOLD, "must be within (0, 1], got " + threshold);
        Duration timeout = c.getDuration(GROWTH_TIMEOUT);
        check(!timeout.isNegative(), GROWTH_TIMEOUT, "must not be negative, got " + timeout);
        int readers = c.getInt(MAX_READERS);
        check(readers >= 1, MAX_READERS, "must be positive, got " + readers);
        long valueSize = c.getBytes(MAX_VALUE_SIZE);
        check(valueSize >= 1 && valueSize <= LmdbOptions.MAX_MAX_VALUE_SIZE, MAX_VALUE_SIZE,
                "must be within [1B, " + LmdbOptions.MAX_MAX_VALUE_SIZE + "B], got " + valueSize + " bytes");
        return new LmdbOptions(mapSize, factor, step, threshold, timeout, readers, (int) valueSize);
    }

    private static void check(boolean ok, String path, String reason) {
        if (!ok) {
            throw new ConfigException.BadValue(path, reason);
        }
    }
}
