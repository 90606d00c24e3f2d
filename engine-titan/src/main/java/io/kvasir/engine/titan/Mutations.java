package io.kvasir.engine.titan;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts writes to the LSM tree, so that GC knows how much of a blob file could have turned into
 * garbage since it last sampled it: a put or delete kills at most one record, a delete-range any
 * number. Recorded after the LSM write, read before sampling, so no write escapes both.
 */
final class Mutations {
    private final LongAdder operations = new LongAdder();
    private final AtomicLong rangeDeletes = new AtomicLong();

    /** A point in the write history. */
    record Mark(long operations, long rangeDeletes) {
    }

    void record(long count, boolean rangeDelete) {
        operations.add(count);
        if (rangeDelete) {
            rangeDeletes.incrementAndGet();
        }
    }

    Mark mark() {
        return new Mark(operations.sum(), rangeDeletes.get());
    }
}
