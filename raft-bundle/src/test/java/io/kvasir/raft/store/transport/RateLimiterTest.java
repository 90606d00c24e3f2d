package io.kvasir.raft.store.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The token bucket on a manual clock: sleeping advances the time, so nothing waits for real. */
class RateLimiterTest {
    private static final long MIB = 1 << 20;

    @Test
    void unlimitedNeverWaits() throws Exception {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(0, MIB, clock);
        for (int i = 0; i < 100; i++) {
            limiter.acquire(64 * MIB);
        }
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void aFullBucketLetsTheBurstThroughAtOnceThenPacesAtTheRate() throws Exception {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(MIB, MIB / 4, clock);
        limiter.acquire(MIB / 4);
        assertTrue(clock.sleeps.isEmpty(), "the burst passes without waiting");
        limiter.acquire(MIB / 2);
        assertEquals(Duration.ofMillis(500), clock.slept(), "half a MiB more at 1 MiB/s: half a second");
    }

    @Test
    void aRequestLargerThanTheBucketWaitsUntilItWouldHaveRefilled() throws Exception {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(MIB, MIB, clock);
        limiter.acquire(10 * MIB);
        assertEquals(Duration.ofSeconds(9), clock.slept());
    }

    @Test
    void throughputNeverExceedsTheRatePlusTheBurst() throws Exception {
        ManualClock clock = new ManualClock();
        long rate = 3 * MIB;
        long burst = MIB;
        RateLimiter limiter = new RateLimiter(rate, burst, clock);
        Random random = new Random(7);
        long start = clock.nanos();
        long released = 0;
        for (int i = 0; i < 2_000; i++) {
            long n = 1 + random.nextInt((int) (2 * MIB));
            limiter.acquire(n);
            released += n;
            double seconds = (clock.nanos() - start) / 1e9;
            assertTrue(released <= rate * seconds + burst + 1,
                    "after " + seconds + " s: " + released + " bytes released, more than the rate allows");
            if (random.nextInt(10) == 0) {
                // An idle spell refills the bucket, up to the burst: the bound holds afresh from here.
                clock.nanos.addAndGet(random.nextInt(3_000) * 1_000_000L);
                start = clock.nanos();
                released = 0;
            }
        }
        // And it is not slower than it must be.
        long before = clock.nanos();
        limiter.acquire(rate);
        assertTrue(clock.nanos() - before <= 1_000_000_000L + 1, "one second's worth takes at most a second");
    }

    @Test
    void idleTimeBuildsUpNoMoreThanTheBurst() throws Exception {
        ManualClock clock = new ManualClock();
        RateLimiter limiter = new RateLimiter(MIB, MIB / 2, clock);
        limiter.acquire(MIB / 2);
        clock.nanos.addAndGet(Duration.ofHours(1).toNanos());
        limiter.acquire(MIB / 2);
        assertTrue(clock.sleeps.isEmpty(), "a full bucket after the pause");
        limiter.acquire(MIB);
        assertEquals(Duration.ofSeconds(1), clock.slept(), "but only the burst was stored, not an hour's worth");
    }
}
