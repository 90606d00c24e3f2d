package io.kvasir.txn.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineStats;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowControllerTest {

    private static final long NA = EngineStats.NOT_APPLICABLE;
    private static final long SAMPLE_MS = 250;
    private static final long MAX_DELAY_MS = 400;
    private static final long MiB = 1 << 20;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicReference<EngineStats> stats = new AtomicReference<>(stats(0, 0, 0));
    private final FlowController flow = new FlowController(stats::get, nanos::get, SAMPLE_MS, MAX_DELAY_MS, timer, workers);

    @AfterEach
    void stop() {
        timer.shutdownNow();
        workers.shutdownNow();
    }

    /** RocksDB-like figures: soft limit 64 GiB, compaction at 4 level-0 files, slowdown at 20, 5 write buffers. */
    private static EngineStats stats(long pendingBytes, long l0Files, long immutableMemtables) {
        return new EngineStats(0, 0, pendingBytes, 64L << 30, 256L << 30, l0Files, 4, 20, 36, immutableMemtables, 5, 0, 0);
    }

    /** One sample interval of writes coming in at {@code bytesPerSecond}, the engine showing {@code s} at its end. */
    private void interval(long bytesPerSecond, EngineStats s) {
        flow.charge(bytesPerSecond * SAMPLE_MS / 1000);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS));
        stats.set(s);
        flow.delayNanos();
    }

    @Test
    void pressureIsZeroWhileTheEngineKeepsUpAndOneAtItsOwnSlowdownPoint() {
        assertEquals(0, FlowController.pressureOf(stats(32L << 30, 4, 3)), "at the compaction trigger, a write buffer flushing");
        assertEquals(0.5, FlowController.pressureOf(stats(0, 12, 0)), 1e-9, "level 0 halfway from 4 to 20 files");
        assertEquals(1, FlowController.pressureOf(stats(0, 25, 0)), "past the slowdown trigger: never more than 1");
        assertEquals(0.75, FlowController.pressureOf(stats(56L << 30, 0, 0)), 1e-9, "compaction debt 3/4 of the way from 32 to 64 GiB");
        assertEquals(1, FlowController.pressureOf(stats(0, 0, 4)), "one write buffer short of a stop");
        assertEquals(0, FlowController.pressureOf(new EngineStats(0, 0, NA, NA, NA, NA, NA, NA, NA, NA, NA, 0, 0)),
                "LMDB: nothing applies");
    }

    @Test
    void nothingIsHeldWhileTheEngineKeepsUp() {
        for (int i = 0; i < 10; i++) {
            interval(100 * MiB, stats(0, 3, 1));
        }
        assertEquals(Double.POSITIVE_INFINITY, flow.limitBytesPerSecond());
        flow.charge(100 * MiB);
        assertEquals(0, flow.delayNanos());
        assertTrue(flow.admit().isDone());
    }

    @Test
    void underPressureTheLimitStartsBelowTheIncomingRateAndShrinksUntilPressureFalls() {
        interval(8 * MiB, stats(0, 3, 1));
        interval(8 * MiB, stats(0, 3, 1));
        interval(8 * MiB, stats(0, 20, 1));
        double first = flow.limitBytesPerSecond();
        assertEquals(8 * MiB * 0.7, first, MiB * 0.01, "30% under what came in, at full pressure");
        interval(6 * MiB, stats(0, 20, 1));
        double second = flow.limitBytesPerSecond();
        assertEquals(first * 0.7, second, MiB * 0.01, "pressure did not fall: cut again");
        interval(4 * MiB, stats(0, 16, 1));
        assertEquals(second, flow.limitBytesPerSecond(), "pressure falling: held");
        interval(4 * MiB, stats(0, 3, 1));
        assertEquals(second * 1.2, flow.limitBytesPerSecond(), MiB * 0.01, "pressure gone: grows back");
        for (int i = 0; i < 20 && flow.limitBytesPerSecond() != Double.POSITIVE_INFINITY; i++) {
            interval(3 * MiB, stats(0, 3, 1));
        }
        assertEquals(Double.POSITIVE_INFINITY, flow.limitBytesPerSecond(), "lifted once it no longer binds");
    }

    @Test
    void theLimitNeverFallsBelowItsFloor() {
        interval(1 << 10, stats(0, 3, 1));
        for (int i = 0; i < 30; i++) {
            interval(1 << 10, stats(0, 30, 4));
        }
        assertEquals(FlowController.MIN_RATE, flow.limitBytesPerSecond());
    }

    @Test
    void commandsWaitOffTheBytesChargedBeforeThemButNeverLongerThanTheMaximum() {
        interval(8 * MiB, stats(0, 3, 1));
        interval(8 * MiB, stats(0, 20, 1));
        double limit = flow.limitBytesPerSecond();
        assertEquals(0, flow.delayNanos(), "no debt yet");
        long bytes = (long) (limit / 10); // 100 ms worth
        flow.charge(bytes);
        assertEquals(100, TimeUnit.NANOSECONDS.toMillis(flow.delayNanos()), 1);
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
        assertEquals(40, TimeUnit.NANOSECONDS.toMillis(flow.delayNanos()), 1, "the debt is paid off as time passes");
        flow.charge((long) limit * 10); // 10 s worth
        assertEquals(MAX_DELAY_MS, TimeUnit.NANOSECONDS.toMillis(flow.delayNanos()), "bounded by the maximum delay");
    }

    @Test
    void aDelayedCommandGoesOnOnAWorkerAfterItsDelayWithoutBlockingTheCaller() throws Exception {
        interval(8 * MiB, stats(0, 3, 1));
        interval(8 * MiB, stats(0, 20, 1));
        flow.charge((long) flow.limitBytesPerSecond() / 5); // 200 ms worth
        long start = System.nanoTime();
        var admitted = flow.admit().thenApply(ignored -> Thread.currentThread().getName());
        assertFalse(admitted.isDone(), "the caller got a future back at once");
        assertEquals("test-worker", admitted.get(5, TimeUnit.SECONDS), "not on the timer's thread");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
    }
}
