package io.kvasir.raft.store.transport;

import java.time.Duration;

/**
 * A token bucket over bytes, shared by every outgoing snapshot of a store, so that snapshots
 * together never use more than {@code bytesPerSecond} (TiKV's {@code snap-max-write-bytes-per-sec})
 * and normal Raft traffic keeps its bandwidth. The bucket holds at most {@code burstBytes}; a
 * request larger than what is in it takes the tokens on credit and its caller waits until the
 * bucket would have refilled, so requests of any size are served, in arrival order.
 *
 * <p>Whatever the requests, the bytes {@link #acquire} has released by a time {@code T} after the
 * first request are at most {@code bytesPerSecond * T + burstBytes}. Thread-safe: the reservation
 * is made under the lock, the wait outside it.
 */
final class RateLimiter {
    private static final double NANOS_PER_SECOND = 1e9;

    private final long bytesPerSecond;
    private final long burstNanos;
    private final TransportClock clock;

    // Guarded by this: when the tokens handed out so far are paid for (they come back at
    // bytesPerSecond). The bucket is full when this lies burstNanos or more in the past.
    private long paidUntil;
    private boolean started;

    /**
     * @param bytesPerSecond the rate; 0 means unlimited
     * @param burstBytes     what the bucket holds when full (what may pass at once after a pause)
     */
    RateLimiter(long bytesPerSecond, long burstBytes, TransportClock clock) {
        if (bytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("rate " + bytesPerSecond + " and burst " + burstBytes + " must not be negative");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.burstNanos = bytesPerSecond == 0 ? 0 : nanosFor(burstBytes, bytesPerSecond);
        this.clock = clock;
    }

    boolean unlimited() {
        return bytesPerSecond == 0;
    }

    /** Takes {@code bytes} tokens, waiting (on the injected clock) until the rate allows them. */
    void acquire(long bytes) throws InterruptedException {
        if (unlimited() || bytes <= 0) {
            return;
        }
        long wait = reserve(bytes, clock.nanos());
        if (wait > 0) {
            clock.sleep(Duration.ofNanos(wait));
        }
    }

    /**
     * Takes {@code bytes} tokens at {@code now} and says how long the caller must wait before it
     * may use them: until the bucket, refilling at the rate, would have held them.
     */
    synchronized long reserve(long bytes, long now) {
        // A bucket idle long enough is full: never more than burstNanos of credit.
        long base = started ? Math.max(paidUntil, now - burstNanos) : now - burstNanos;
        started = true;
        paidUntil = base + nanosFor(bytes, bytesPerSecond);
        return Math.max(0, paidUntil - now);
    }

    private static long nanosFor(long bytes, long bytesPerSecond) {
        return (long) Math.ceil(bytes * NANOS_PER_SECOND / bytesPerSecond);
    }
}
