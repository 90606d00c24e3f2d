package io.kvasir.pd;

import java.time.Clock;
import java.util.OptionalLong;

/**
 * Moves the GC safe point to {@code pd.gc.life-time} before now, at most once per
 * {@code pd.gc.advance-interval}, never past the smallest live service safe point and never back
 * (the job of TiDB's GC leader, done by PD here).
 *
 * <p>It runs when stores ask for the safe point (GetGCSafePoint, which every store's GC worker
 * polls), not on a timer of its own: nobody needs a newer safe point before somebody asks, and
 * the PD keeps no thread for it.
 */
final class GcAutoAdvance {
    private final GcSafePoints safePoints;
    private final GcSettings settings;
    private final Clock clock;
    private long lastAdvanceMillis = Long.MIN_VALUE;

    GcAutoAdvance(GcSafePoints safePoints, GcSettings settings, Clock clock) {
        this.safePoints = safePoints;
        this.settings = settings;
        this.clock = clock;
    }

    /** The GC safe point, first moved forward if an advance is due. */
    synchronized long safePointNow() {
        long now = clock.millis();
        if (settings.advances() && (lastAdvanceMillis == Long.MIN_VALUE
                || now - lastAdvanceMillis >= settings.advanceInterval().toMillis())) {
            lastAdvanceMillis = now;
            long physical = now - settings.lifeTime().toMillis();
            if (physical > 0) {
                long target = physical << Tso.LOGICAL_BITS;
                OptionalLong held = safePoints.minServiceSafePoint();
                if (held.isPresent() && Long.compareUnsigned(held.getAsLong(), target) < 0) {
                    target = held.getAsLong();
                }
                return safePoints.updateGcSafePoint(target);
            }
        }
        return safePoints.gcSafePoint();
    }
}
