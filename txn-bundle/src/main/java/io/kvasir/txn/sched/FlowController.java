package io.kvasir.txn.sched;

import io.kvasir.engine.api.EngineStats;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Throttles write commands to the rate the engine can absorb before the engine would stall them
 * itself (TiKV's flow controller, in a simpler form).
 *
 * <p>Every {@code sampleMillis} it reads the engine's pressure ({@link #pressureOf}): 0 while the
 * engine keeps up, rising to 1 at its own slowdown point. While there is pressure, writes pass a
 * byte-rate limit. The limit starts just under the rate writes were coming in, shrinks further at
 * every sample in which pressure has not fallen, and is held while it falls; once pressure is gone
 * it grows again and is lifted when it no longer binds. That feedback finds the rate at which
 * flushes and compactions keep up, instead of a fixed delay that would depend on how many clients
 * there are.
 *
 * <p>A command is charged after it was staged, when its size is known ({@link #charge}); the
 * commands after it wait off the debt ({@link #admit}). No command waits longer than
 * {@code maxDelayMillis}: latency stays bounded, and if the engine falls behind even so, its own
 * slowdown is the backstop. A delayed command goes on on {@code workers}, never on the timer's
 * thread. Thread-safe; the clock is injected.
 */
public final class FlowController {

    /** The share of the rate cut when throttling starts and at each sample at full pressure (less below it). */
    private static final double CUT_AT_FULL_PRESSURE = 0.3;
    /** How fast the limit grows back, per sample, once pressure is gone. */
    private static final double GROWTH = 1.2;
    /** The limit is lifted once it is this many times the rate writes come in at. */
    private static final double LIFT_AT = 2.0;
    /** Never throttle below this: 256 KiB/s. */
    static final double MIN_RATE = 256 << 10;

    private final Supplier<EngineStats> stats;
    private final LongSupplier clockNanos;
    private final long sampleNanos;
    private final long maxDelayNanos;
    private final ScheduledExecutorService timer;
    private final Executor workers;

    // Guarded by this.
    private double limit = Double.POSITIVE_INFINITY;
    private long nextFreeNanos;
    private long chargedBytes;
    private double incomingRate;
    private double lastPressure;
    private long sampledAtNanos;
    private boolean sampled;
    private long delayedCommands;

    /**
     * @param clockNanos     a monotonic clock in nanoseconds
     * @param sampleMillis   how often the engine's figures are read and the limit adjusted
     * @param maxDelayMillis the longest a command is ever held
     * @param timer          where delays are counted
     * @param workers        where delayed commands go on
     */
    public FlowController(Supplier<EngineStats> stats, LongSupplier clockNanos, long sampleMillis, long maxDelayMillis,
            ScheduledExecutorService timer, Executor workers) {
        this.stats = stats;
        this.clockNanos = clockNanos;
        this.sampleNanos = TimeUnit.MILLISECONDS.toNanos(sampleMillis);
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(maxDelayMillis);
        this.timer = timer;
        this.workers = workers;
    }

    /** Completes when a write command may go on: at once, or after its share of the debt. */
    public CompletableFuture<Void> admit() {
        long delay = delayNanos();
        if (delay <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            delayedCommands++;
        }
        CompletableFuture<Void> go = new CompletableFuture<>();
        timer.schedule(() -> workers.execute(() -> go.complete(null)), delay, TimeUnit.NANOSECONDS);
        return go;
    }

    /** How long a command arriving now waits. */
    public synchronized long delayNanos() {
        long now = clockNanos.getAsLong();
        adjust(now);
        if (limit == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return Math.min(maxDelayNanos, Math.max(0, nextFreeNanos - now));
    }

    /** Counts a staged command's bytes against the limit; the next commands wait them off. */
    public synchronized void charge(long bytes) {
        chargedBytes += bytes;
        if (limit == Double.POSITIVE_INFINITY) {
            return;
        }
        long now = clockNanos.getAsLong();
        long cost = (long) (bytes * 1e9 / limit);
        // Debt beyond the longest delay is forgiven: delays stay bounded, the engine is the backstop.
        nextFreeNanos = Math.min(Math.max(nextFreeNanos, now) + cost, now + maxDelayNanos);
    }

    /** The byte rate writes are held to, or infinity while they are not throttled. */
    public synchronized double limitBytesPerSecond() {
        return limit;
    }

    /** How many commands were delayed so far. */
    public synchronized long delayedCommands() {
        return delayedCommands;
    }

    /** How close the engine was to slowing writes itself at the last sample: 0 to 1. */
    public synchronized double pressure() {
        return lastPressure;
    }

    private void adjust(long now) {
        if (sampled && now - sampledAtNanos < sampleNanos) {
            return;
        }
        if (sampled) {
            double rate = chargedBytes * 1e9 / Math.max(1, now - sampledAtNanos);
            incomingRate = incomingRate == 0 ? rate : (incomingRate + rate) / 2;
        }
        chargedBytes = 0;
        sampled = true;
        sampledAtNanos = now;
        double p = pressureOf(stats.get());
        if (p > 0 && limit == Double.POSITIVE_INFINITY) {
            limit = Math.max(MIN_RATE, incomingRate * (1 - CUT_AT_FULL_PRESSURE * p));
            nextFreeNanos = now;
        } else if (p > 0) {
            if (p >= lastPressure) {
                limit = Math.max(MIN_RATE, limit * (1 - CUT_AT_FULL_PRESSURE * p));
            } // else falling: the limit holds, the engine is catching up
        } else if (limit != Double.POSITIVE_INFINITY) {
            limit *= GROWTH;
            if (limit >= LIFT_AT * Math.max(incomingRate, MIN_RATE)) {
                limit = Double.POSITIVE_INFINITY;
            }
        }
        lastPressure = p;
    }

    /**
     * How close the engine is to slowing writes on its own, the worst of three figures, each 0
     * where the engine starts falling behind and 1 at its slowdown point: level-0 files between
     * the compaction trigger and the slowdown trigger; immutable memtables between one short of
     * a stop and the stop; pending compaction bytes between half the soft limit and the limit.
     */
    static double pressureOf(EngineStats s) {
        double p = 0;
        if (s.pendingCompactionSoftLimit() != EngineStats.NOT_APPLICABLE) {
            p = Math.max(p, fraction(s.pendingCompactionBytes(), s.pendingCompactionSoftLimit() / 2.0,
                    s.pendingCompactionSoftLimit()));
        }
        if (s.level0SlowdownTrigger() != EngineStats.NOT_APPLICABLE) {
            double start = s.level0CompactionTrigger() == EngineStats.NOT_APPLICABLE
                    ? s.level0SlowdownTrigger() / 2.0
                    : Math.min(s.level0CompactionTrigger(), s.level0SlowdownTrigger() - 1);
            p = Math.max(p, fraction(s.level0Files(), start, s.level0SlowdownTrigger()));
        }
        if (s.maxWriteBuffers() != EngineStats.NOT_APPLICABLE) {
            // Writes stop when every write buffer waits to be flushed: pressure builds over the last one.
            p = Math.max(p, fraction(s.immutableMemtables(), s.maxWriteBuffers() - 2, s.maxWriteBuffers() - 1));
        }
        return p;
    }

    /** 0 at or below {@code start}, rising linearly to 1 at {@code end}; 0 when the figure does not apply. */
    private static double fraction(long value, double start, double end) {
        if (value == EngineStats.NOT_APPLICABLE || end <= 0) {
            return 0;
        }
        if (end <= start) {
            return value >= end ? 1 : 0;
        }
        return Math.max(0, Math.min(1, (value - start) / (end - start)));
    }
}
