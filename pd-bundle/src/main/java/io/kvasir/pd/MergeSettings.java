package io.kvasir.pd;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The region merge knobs, PD's names and defaults (documented in this bundle's reference.conf). A
 * bad value is a {@link com.typesafe.config.ConfigException.BadValue} naming its key.
 *
 * @param maxRegionSizeMib   {@code schedule.max-merge-region-size}: a region merges only when it
 *                           is at most this many MiB; 0 turns merging off
 * @param maxRegionKeys      {@code schedule.max-merge-region-keys}: ... and holds at most this many keys
 * @param splitMergeInterval {@code schedule.split-merge-interval}: no merge of a region this soon
 *                           after it was split, nor of any region this soon after the PD started
 * @param scheduleLimit      {@code schedule.merge-schedule-limit}: most merges running at once,
 *                           cluster-wide; 0 turns merging off
 * @param oneWay             {@code schedule.enable-one-way-merge}: merge only into the next region
 */
record MergeSettings(long maxRegionSizeMib, long maxRegionKeys, Duration splitMergeInterval, int scheduleLimit,
        boolean oneWay) {

    static final String MAX_MERGE_REGION_SIZE = "schedule.max-merge-region-size";
    static final String MAX_MERGE_REGION_KEYS = "schedule.max-merge-region-keys";
    static final String SPLIT_MERGE_INTERVAL = "schedule.split-merge-interval";
    static final String MERGE_SCHEDULE_LIMIT = "schedule.merge-schedule-limit";
    static final String ENABLE_ONE_WAY_MERGE = "schedule.enable-one-way-merge";

    /** The defaults of reference.conf (PD's), for tests. */
    static final MergeSettings DEFAULTS = new MergeSettings(20, 200_000, Duration.ofHours(1), 8, false);

    MergeSettings {
        if (maxRegionSizeMib < 0 || maxRegionKeys < 0 || splitMergeInterval.isNegative() || scheduleLimit < 0) {
            throw new IllegalArgumentException("invalid merge settings: " + maxRegionSizeMib + " " + maxRegionKeys
                    + " " + splitMergeInterval + " " + scheduleLimit);
        }
    }

    /** Whether the merge checker may plan merges at all. */
    boolean enabled() {
        return maxRegionSizeMib > 0 && scheduleLimit > 0;
    }

    MergeSettings withMaxRegion(long sizeMib, long keys) {
        return new MergeSettings(sizeMib, keys, splitMergeInterval, scheduleLimit, oneWay);
    }

    MergeSettings withSplitMergeInterval(Duration interval) {
        return new MergeSettings(maxRegionSizeMib, maxRegionKeys, interval, scheduleLimit, oneWay);
    }

    MergeSettings withScheduleLimit(int limit) {
        return new MergeSettings(maxRegionSizeMib, maxRegionKeys, splitMergeInterval, limit, oneWay);
    }

    MergeSettings withOneWay(boolean enabled) {
        return new MergeSettings(maxRegionSizeMib, maxRegionKeys, splitMergeInterval, scheduleLimit, enabled);
    }

    /** Reads the knobs from {@code config}, which must already hold this bundle's defaults. */
    static MergeSettings from(Config config) {
        long size = nonNegative(config, MAX_MERGE_REGION_SIZE,
                PdSettings.read(config, MAX_MERGE_REGION_SIZE, () -> config.getLong(MAX_MERGE_REGION_SIZE)));
        long keys = nonNegative(config, MAX_MERGE_REGION_KEYS,
                PdSettings.read(config, MAX_MERGE_REGION_KEYS, () -> config.getLong(MAX_MERGE_REGION_KEYS)));
        Duration interval = PdSettings.read(config, SPLIT_MERGE_INTERVAL, () -> config.getDuration(SPLIT_MERGE_INTERVAL));
        if (interval.isNegative()) {
            throw PdSettings.bad(config, SPLIT_MERGE_INTERVAL, "must not be negative, got " + interval);
        }
        int limit = (int) nonNegative(config, MERGE_SCHEDULE_LIMIT,
                PdSettings.read(config, MERGE_SCHEDULE_LIMIT, () -> config.getInt(MERGE_SCHEDULE_LIMIT)));
        boolean oneWay = PdSettings.read(config, ENABLE_ONE_WAY_MERGE, () -> config.getBoolean(ENABLE_ONE_WAY_MERGE));
        return new MergeSettings(size, keys, interval, limit, oneWay);
    }

    private static long nonNegative(Config config, String key, long value) {
        if (value < 0) {
            throw PdSettings.bad(config, key, "must not be negative, got " + value);
        }
        return value;
    }
}
