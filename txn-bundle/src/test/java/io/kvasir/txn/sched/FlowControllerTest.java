package io.kvasir.txn.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineStats;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowControllerTest {

    private static final long NA = EngineStats.NOT_APPLICABLE;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<EngineStats> stats = new AtomicReference<>(stats(0, 0, 0));
    private final FlowController flow = new FlowController(stats::get, now::get, 100, 400, timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** RocksDB-like figures: soft limit 64 GiB, slowdown at 20 level-0 files, 4 write buffers. */
    private static EngineStats stats(long pendingBytes, long l0Files, long immutableMemtables) {
        return new EngineStats(0, 0, pendingBytes, 64L << 30, 256L << 30, l0Files, 20, 36, immutableMemtables, 4, 0, 0);
    }

    private long delayAt(EngineStats s) {
        stats.set(s);
        now.addAndGet(100); // a new sample
        return flow.delayMillis();
    }

    @Test
    void nothingIsDelayedBelowHalfOfEverySlowdownPoint() {
        assertEquals(0, delayAt(stats(32L << 30, 10, 1)));
        assertTrue(flow.admit().isDone());
    }

    @Test
    void theDelayRisesSmoothlyWithTheWorstPressureUpToItsMaximum() {
        long quarter = delayAt(stats(0, 15, 0)); // level 0 halfway from 10 to 20: pressure 0.5
        assertEquals(100, quarter, "400 ms × 0.5²");
        assertEquals(400, delayAt(stats(0, 25, 0)), "past the slowdown trigger: the maximum, never more");
        assertEquals(225, delayAt(stats(56L << 30, 0, 0)), "compaction debt 75% of the way from 32 to 64 GiB: 400 × 0.75²");
        assertEquals(400, delayAt(stats(0, 0, 3)), "the last write buffer about to fill");
        assertEquals(0, delayAt(new EngineStats(0, 0, NA, NA, NA, NA, NA, NA, NA, NA, 0, 0)), "LMDB: nothing applies");
    }

    @Test
    void figuresAreSampledAtMostEverySampleInterval() {
        stats.set(stats(0, 20, 0));
        now.addAndGet(100);
        assertEquals(400, flow.delayMillis());
        stats.set(stats(0, 0, 0));
        assertEquals(400, flow.delayMillis(), "the same sample within 100 ms");
        now.addAndGet(100);
        assertEquals(0, flow.delayMillis());
    }

    @Test
    void aDelayedWriteIsAdmittedAfterItsDelayWithoutBlockingTheCaller() throws Exception {
        stats.set(stats(0, 20, 0));
        now.addAndGet(100);
        long start = System.nanoTime();
        var admitted = flow.admit();
        assertTrue(!admitted.isDone(), "the caller got a future back at once");
        admitted.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(390));
    }
}
