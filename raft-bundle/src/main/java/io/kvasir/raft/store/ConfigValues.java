package io.kvasir.raft.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Reads one checked value from the node's config: a bad value is a
 * {@link ConfigException.BadValue} naming its key, so a node refuses to start on it.
 */
public final class ConfigValues {

    private ConfigValues() {
    }

    public static Duration positiveDuration(Config config, String key) {
        Duration d = config.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException.BadValue(config.origin(), key, "must be positive, got " + d);
        }
        return d;
    }

    public static long positiveBytes(Config config, String key) {
        long v = config.getBytes(key);
        if (v <= 0) {
            throw new ConfigException.BadValue(config.origin(), key, "must be positive, got " + v);
        }
        return v;
    }

    public static long positiveCount(Config config, String key) {
        long v = config.getLong(key);
        if (v <= 0) {
            throw new ConfigException.BadValue(config.origin(), key, "must be positive, got " + v);
        }
        return v;
    }

    /** A count in {@code [1, max]}. */
    public static int countUpTo(Config config, String key, int max) {
        long v = config.getLong(key);
        if (v <= 0 || v > max) {
            throw new ConfigException.BadValue(config.origin(), key, "must be between 1 and " + max + ", got " + v);
        }
        return (int) v;
    }
}
