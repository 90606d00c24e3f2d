package io.kvasir.raft.store.transport;

import java.time.Duration;

/**
 * Pauses between reconnection attempts to one store: {@code initial}, doubling on each failure in
 * a row up to {@code max}, back to {@code initial} once a connection worked (TiKV's
 * {@code raft-client-initial-reconnect-backoff} / {@code raft-client-max-backoff}). No jitter:
 * each store's connection backs off on its own, so there is no herd to spread. Not thread-safe;
 * one connection's sender owns it.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max backoff " + max + " is shorter than initial " + initial);
        }
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The pause to take now; the one after it is twice as long, up to the maximum. */
    Duration next() {
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** A connection worked: the next failure pauses {@code initial} again. */
    void reset() {
        next = initial;
    }
}
