package io.kvasir.pd;

import io.kvasir.engine.api.WriteOptions;
import java.time.Clock;
import java.time.Duration;

/**
 * The timestamp oracle. A timestamp is {@code physical << 18 | logical}: physical is Unix time in
 * milliseconds (clients judge lock expiry by comparing it with their own wall clock), logical
 * counts within a millisecond and stays below 2^18.
 *
 * <p>Guarantee: every timestamp handed out is greater than every one handed out before, by this
 * process or an earlier one on the same engine, whatever the clock does. Within a process the
 * last timestamp is kept and only moved forward. Across restarts the PD keeps a persisted limit
 * (PD's {@code tso-save-interval} scheme, pkg/tso/tso.go): before any physical at or above the
 * saved limit is handed out, a new limit of {@code physical + saveInterval} is written with a
 * synced write, so every physical ever handed out is below the saved limit; after a restart the
 * oracle starts strictly above it. The price is a jump of up to saveInterval after a restart.
 *
 * <p>Thread-safe: one lock orders all callers. The synced write happens under that lock about
 * once per saveInterval while the clock advances, so callers stall for one fsync then; PD does the
 * same save on its leader.
 */
final class Tso {
    static final String LIMIT = "pd/tso/limit";
    /** Logical values are in [0, 2^18). */
    static final int LOGICAL_BITS = 18;
    static final long MAX_LOGICAL = 1L << LOGICAL_BITS;

    private final MetaStore store;
    private final Clock clock;
    private final long saveIntervalMillis;

    // Invariants: physical < savedLimit once anything was handed out; (physical, logical) is the
    // last timestamp handed out, logical == -1 meaning none yet at this physical.
    private long physical;
    private long logical;
    private long savedLimit;
    private boolean closed;

    private Tso(MetaStore store, Clock clock, Duration saveInterval, long savedLimit) {
        this.store = store;
        this.clock = clock;
        this.saveIntervalMillis = saveInterval.toMillis();
        this.savedLimit = savedLimit;
        // Everything handed out before the restart was below savedLimit; start 1ms above it, as PD
        // starts one update guard above its saved time.
        this.physical = savedLimit + 1;
        this.logical = -1;
    }

    /** Opens the oracle on {@code store}, starting above any limit an earlier run saved. */
    static Tso open(MetaStore store, Clock clock, Duration saveInterval) {
        if (saveInterval.toMillis() < 1) {
            throw new IllegalArgumentException("TSO save interval must be at least 1ms, got " + saveInterval);
        }
        long saved = store.getLong(LIMIT).orElse(0);
        return new Tso(store, clock, saveInterval, saved);
    }

    /** A timestamp as its two parts. */
    record Timestamp(long physical, long logical) {
        long compose() {
            return physical << LOGICAL_BITS | logical;
        }
    }

    /**
     * Allocates {@code count} consecutive timestamps and returns the last of them; the first is
     * {@code logical - count + 1} at the same physical.
     *
     * @throws IllegalArgumentException when count is not in [1, 2^18)
     */
    synchronized Timestamp allocate(int count) {
        if (count < 1 || count >= MAX_LOGICAL) {
            throw new IllegalArgumentException("tso count must be in [1, " + (MAX_LOGICAL - 1) + "], got "
                    + Integer.toUnsignedString(count));
        }
        if (closed) {
            throw new IllegalStateException("the timestamp oracle is closed");
        }
        long now = clock.millis();
        long nextPhysical = physical;
        long nextLogical = logical;
        if (now > nextPhysical) {
            nextPhysical = now;
            nextLogical = -1;
        }
        if (nextLogical + count >= MAX_LOGICAL) {
            // The millisecond is used up: borrow the next one, as PD does when logical overflows.
            nextPhysical++;
            nextLogical = -1;
        }
        nextLogical += count;
        if (nextPhysical >= savedLimit) {
            long limit = nextPhysical + saveIntervalMillis;
            // Synced before the timestamp leaves, so a restart can never hand it out again.
            store.putLong(LIMIT, limit, WriteOptions.SYNC);
            savedLimit = limit;
        }
        physical = nextPhysical;
        logical = nextLogical;
        return new Timestamp(physical, logical);
    }

    /** The persisted limit; every physical handed out is below it. */
    synchronized long savedLimit() {
        return savedLimit;
    }

    /** Refuses further allocations. */
    synchronized void close() {
        closed = true;
    }
}
