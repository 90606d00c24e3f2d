package io.kvasir.raft.store.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The transport's time: a monotonic reading and a way to wait, injected so that tests decide how
 * long reconnection pauses and snapshot throttling take (STYLE rule 2). Only pacing depends on it;
 * no Raft decision does.
 */
public interface TransportClock {

    /** A monotonic reading in nanoseconds. */
    long nanos();

    /** Waits {@code d} (returns at once if it is not positive). */
    void sleep(Duration d) throws InterruptedException;

    /** {@link System#nanoTime()} and {@link Thread#sleep}. */
    TransportClock SYSTEM = new TransportClock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            if (!d.isNegative() && !d.isZero()) {
                TimeUnit.NANOSECONDS.sleep(d.toNanos());
            }
        }
    };
}
