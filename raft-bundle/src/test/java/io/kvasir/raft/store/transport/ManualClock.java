package io.kvasir.raft.store.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock for the transport tests: {@link #sleep} moves the time forward by what was asked and
 * records it, so tests assert on pauses without waiting them. It then yields for
 * {@code realPause} of wall time (default none), so that a loop that pauses on it does not spin a
 * core while other threads do real network work.
 */
final class ManualClock implements TransportClock {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Duration realPause;

    ManualClock() {
        this(Duration.ZERO);
    }

    ManualClock(Duration realPause) {
        this.realPause = realPause;
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        sleeps.add(d);
        nanos.addAndGet(d.toNanos());
        if (!realPause.isZero()) {
            LockSupport.parkNanos(realPause.toNanos());
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    static Duration ms(long millis) {
        return Duration.ofNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
