package io.kvasir.txn.gc;

import java.util.HashMap;
import java.util.Map;

/**
 * How far this store's GC has come: the safe point it works towards, and for each region it
 * leads, the safe point that region was last collected up to. Read by the metrics exporter and
 * by tests; written by the GC worker's one thread. Thread-safe.
 */
public final class GcProgress {
    private long targetSafePoint;
    private final Map<Long, Long> regionSafePoints = new HashMap<>();
    private long locksResolved;
    private long rounds;

    synchronized void target(long safePoint) {
        targetSafePoint = safePoint;
    }

    synchronized void regionCollected(long regionId, long safePoint) {
        regionSafePoints.put(regionId, safePoint);
    }

    /** Forgets regions this store no longer leads: their progress is their new leader's to report. */
    synchronized void retainOnly(java.util.Set<Long> ledRegions) {
        regionSafePoints.keySet().retainAll(ledRegions);
    }

    synchronized void locksResolved(int n) {
        locksResolved += n;
    }

    synchronized void roundDone() {
        rounds++;
    }

    /** The PD safe point of the latest round; 0 before the first. */
    public synchronized long targetSafePoint() {
        return targetSafePoint;
    }

    /** Each led region's last collected safe point (regions not yet collected are absent). */
    public synchronized Map<Long, Long> regionSafePoints() {
        return Map.copyOf(regionSafePoints);
    }

    /** The safe point a region was collected up to, or 0. */
    public synchronized long regionSafePoint(long regionId) {
        return regionSafePoints.getOrDefault(regionId, 0L);
    }

    public synchronized long locksResolved() {
        return locksResolved;
    }

    /** Rounds finished, whether or not every region could be collected. */
    public synchronized long rounds() {
        return rounds;
    }
}
