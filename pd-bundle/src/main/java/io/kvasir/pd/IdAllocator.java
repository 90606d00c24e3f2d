package io.kvasir.pd;

import io.kvasir.engine.api.WriteOptions;

/**
 * Allocates cluster-wide unique ids (stores, regions, peers): 1, 2, 3, ... never reused, even
 * across restarts.
 *
 * <p>As PD's {@code id.allocatorImpl}, ids are reserved in steps: the persisted value is the
 * largest id that may be handed out, raised by {@link #STEP} with a synced write before any id
 * above it is used. A restart continues after the persisted value, so at most one step of ids is
 * skipped and none is handed out twice.
 */
final class IdAllocator {
    static final String KEY = "pd/alloc_id";
    static final long STEP = 1000;

    private final MetaStore store;
    // Invariant: current <= end; current is the last id handed out, end the last one reserved.
    private long current;
    private long end;

    private IdAllocator(MetaStore store, long end) {
        this.store = store;
        this.current = end;
        this.end = end;
    }

    static IdAllocator open(MetaStore store) {
        return new IdAllocator(store, store.getLong(KEY).orElse(0));
    }

    /** One new id. */
    long alloc() {
        return allocMany(1)[0];
    }

    /** {@code n} new ids, increasing; the reservation for all of them is persisted before they are returned. */
    synchronized long[] allocMany(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("must allocate at least one id, got " + n);
        }
        if (current + n > end) {
            long newEnd = end + Math.max(STEP, (current + n - end + STEP - 1) / STEP * STEP);
            store.putLong(KEY, newEnd, WriteOptions.SYNC);
            end = newEnd;
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = ++current;
        }
        return ids;
    }

    /** The last id reserved on disk. */
    synchronized long reservedEnd() {
        return end;
    }
}
