package io.kvasir.txn.sched;

import io.kvasir.engine.api.EngineStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Slows writes down smoothly before the engine would stall them (TiKV's flow controller, in a
 * simpler form): from the engine's pressure figures it works out how close the engine is to its
 * own slowdown point — pending compaction bytes against the soft limit, level-0 files against the
 * slowdown trigger, immutable memtables against the write-buffer count — and delays each write
 * command by {@code maxDelay × pressure²}. Below half of any slowdown point nothing is delayed;
 * at the point itself every write waits {@code maxDelay}, which bounds latency where an engine
 * stall would not. Figures are sampled at most every {@code sampleMillis}. Thread-safe.
 */
public final class FlowController {

    private final Supplier<EngineStats> stats;
    private final LongSupplier clockMillis;
    private final long sampleMillis;
    private final long maxDelayMillis;
    private final ScheduledExecutorService timer;
    private volatile double pressure;
    private volatile long sampledAtMillis = Long.MIN_VALUE;

    public FlowController(Supplier<EngineStats> stats, LongSupplier clockMillis, long sampleMillis, long maxDelayMillis,
            ScheduledExecutorService timer) {
        this.stats = stats;
        this.clockMillis = clockMillis;
        this.sampleMillis = sampleMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.timer = timer;
    }

    /** Completes when a write command may go on: at once, or after its delay. */
    public CompletableFuture<Void> admit() {
        long delay = delayMillis();
        if (delay <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> go = new CompletableFuture<>();
        timer.schedule(() -> go.complete(null), delay, TimeUnit.MILLISECONDS);
        return go;
    }

    /** How long a write command waits now. */
    public long delayMillis() {
        double p = pressure();
        return Math.round(maxDelayMillis * p * p);
    }

    /** How close the engine is to slowing writes itself: 0 below half of every trigger, 1 at one. */
    public double pressure() {
        long now = clockMillis.getAsLong();
        if (now - sampledAtMillis >= sampleMillis || sampledAtMillis == Long.MIN_VALUE) {
            sampledAtMillis = now;
            pressure = pressureOf(stats.get());
        }
        return pressure;
    }

    static double pressureOf(EngineStats s) {
        double p = 0;
        p = Math.max(p, fraction(s.pendingCompactionBytes(), s.pendingCompactionSoftLimit()));
        p = Math.max(p, fraction(s.level0Files(), s.level0SlowdownTrigger()));
        if (s.immutableMemtables() != EngineStats.NOT_APPLICABLE && s.maxWriteBuffers() > 1) {
            // The last write buffer filling up stalls writes: count against the one before it.
            p = Math.max(p, fraction(s.immutableMemtables(), s.maxWriteBuffers() - 1));
        }
        return p;
    }

    /** 0 at or below half of {@code trigger}, rising linearly to 1 at it; 0 when a figure does not apply. */
    private static double fraction(long value, long trigger) {
        if (value == EngineStats.NOT_APPLICABLE || trigger == EngineStats.NOT_APPLICABLE || trigger <= 0) {
            return 0;
        }
        double half = trigger / 2.0;
        return Math.max(0, Math.min(1, (value - half) / half));
    }
}
