package io.kvasir.raft.store.peer;

/**
 * The driver's clock: a monotonic reading in nanoseconds, injected so that tests decide when
 * ticks fall (STYLE rule 2). Only the driver loop reads it, to decide when the peers' logical
 * clocks ({@link io.kvasir.raft.core.RawNode#tick()}) advance; Raft itself never sees time.
 */
@FunctionalInterface
public interface Ticker {

    long nanos();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
