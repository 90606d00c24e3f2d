package io.kvasir.txn.percolator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The transactional layer's settings, under TiKV's names where TiKV has the setting.
 *
 * @param flowControlEnabled  {@code storage.flow-control.enable}: whether write commands are
 *                            held to the rate the engine absorbs once it falls behind
 * @param flowControlMaxDelay {@code storage.flow-control.max-delay}: the longest a command is held
 * @param gcPollInterval      {@code gc.poll-safe-point-interval}: how often the store's GC worker
 *                            asks PD for the GC safe point; zero runs no GC worker
 */
public record TxnSettings(boolean flowControlEnabled, Duration flowControlMaxDelay, Duration gcPollInterval) {

    /** What a node gets when its configuration says nothing (the txn bundle's reference.conf). */
    public static final TxnSettings DEFAULTS = new TxnSettings(true, Duration.ofMillis(500), Duration.ofSeconds(10));

    public TxnSettings {
        if (gcPollInterval.isNegative()) {
            throw new IllegalArgumentException("gc.poll-safe-point-interval must not be negative, got " + gcPollInterval);
        }
        if (flowControlMaxDelay.isNegative() || flowControlMaxDelay.isZero()) {
            throw new IllegalArgumentException("storage.flow-control.max-delay must be positive, got " + flowControlMaxDelay);
        }
    }

    /** @throws ConfigException if a key is missing or malformed (the node then refuses to start) */
    public static TxnSettings from(Config config) {
        Duration maxDelay = config.getDuration("storage.flow-control.max-delay");
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new ConfigException.BadValue("storage.flow-control.max-delay", "must be positive, got " + maxDelay);
        }
        Duration gcPoll = config.getDuration("gc.poll-safe-point-interval");
        if (gcPoll.isNegative()) {
            throw new ConfigException.BadValue("gc.poll-safe-point-interval", "must not be negative, got " + gcPoll);
        }
        return new TxnSettings(config.getBoolean("storage.flow-control.enable"), maxDelay, gcPoll);
    }
}
