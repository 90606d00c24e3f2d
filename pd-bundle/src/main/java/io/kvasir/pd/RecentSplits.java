package io.kvasir.pd;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When regions were last split, for {@code schedule.split-merge-interval} (PD's merge checker
 * {@code splitCache}): a region just split is usually about to grow, and merging it back at once
 * would make splits and merges chase each other. Entries older than the interval mean nothing and
 * are pruned.
 *
 * <p>Not thread-safe: the {@link OperatorController} calls it under its lock.
 */
final class RecentSplits {
    // Invariant: only entries not yet pruned; a value is the latest split time of that region.
    private final Map<Long, Long> splitMillis = new HashMap<>();

    void record(long regionId, long nowMillis) {
        splitMillis.put(regionId, nowMillis);
    }

    /** Whether {@code regionId} was split less than {@code interval} ago. */
    boolean isRecent(long regionId, long nowMillis, Duration interval) {
        Long at = splitMillis.get(regionId);
        return at != null && nowMillis - at < interval.toMillis();
    }

    /** Forgets splits at least {@code interval} old. */
    void prune(long nowMillis, Duration interval) {
        splitMillis.values().removeIf(at -> nowMillis - at >= interval.toMillis());
    }

    int size() {
        return splitMillis.size();
    }
}
