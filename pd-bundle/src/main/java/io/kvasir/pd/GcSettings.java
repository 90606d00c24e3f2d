package io.kvasir.pd;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How PD moves the GC safe point by itself (TiDB's GC leader does this in a TiDB cluster; here
 * PD does, so a cluster of stores and clients collects garbage with nothing else running).
 *
 * @param lifeTime        {@code pd.gc.life-time}: how long versions are kept; the safe point
 *                        trails the wall clock by this much (TiDB's {@code tidb_gc_life_time})
 * @param advanceInterval {@code pd.gc.advance-interval}: the safe point moves at most this often
 *                        (TiDB's {@code tidb_gc_run_interval}); zero leaves it to whoever calls
 *                        UpdateGCSafePoint
 */
record GcSettings(Duration lifeTime, Duration advanceInterval) {
    static final String LIFE_TIME = "pd.gc.life-time";
    static final String ADVANCE_INTERVAL = "pd.gc.advance-interval";

    static final GcSettings DEFAULTS = new GcSettings(Duration.ofMinutes(10), Duration.ofMinutes(10));
    /** The safe point moves only by UpdateGCSafePoint. */
    static final GcSettings MANUAL = new GcSettings(Duration.ofMinutes(10), Duration.ZERO);

    GcSettings {
        if (lifeTime.isNegative() || lifeTime.isZero() || advanceInterval.isNegative()) {
            throw new IllegalArgumentException("invalid GC settings: life time " + lifeTime + ", advance interval "
                    + advanceInterval);
        }
    }

    boolean advances() {
        return !advanceInterval.isZero();
    }

    static GcSettings from(Config config) {
        Duration lifeTime = PdSettings.read(config, LIFE_TIME, () -> config.getDuration(LIFE_TIME));
        if (lifeTime.isNegative() || lifeTime.isZero()) {
            throw PdSettings.bad(config, LIFE_TIME, "must be positive, got " + lifeTime);
        }
        Duration interval = PdSettings.read(config, ADVANCE_INTERVAL, () -> config.getDuration(ADVANCE_INTERVAL));
        if (interval.isNegative()) {
            throw PdSettings.bad(config, ADVANCE_INTERVAL, "must not be negative, got " + interval);
        }
        return new GcSettings(lifeTime, interval);
    }
}
