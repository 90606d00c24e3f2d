package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.LifecycleGate;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows LMDB's memory map so that writes never fail with {@code MDB_MAP_FULL}.
 *
 * <p>LMDB's map has a fixed size; a write that needs more pages fails with {@code MDB_MAP_FULL}
 * and its transaction must be aborted. {@code mdb_env_set_mapsize} may then enlarge the map, but
 * only while <em>no</em> transaction is open in the process: it unmaps and remaps the file, and a
 * read transaction or cursor still open would point into the old mapping (lmdb.h,
 * {@code mdb_env_set_mapsize}: "may be called ... if no transactions are active in this process").
 * Every engine call that holds a transaction therefore runs inside the engine's
 * {@link LifecycleGate}, snapshots and iterators for their whole life, and growth runs in
 * {@link LifecycleGate#runExclusive}, which holds new entries back and waits for the gate to drain.
 *
 * <p>Two paths grow the map:
 * <ul>
 *   <li>on demand ({@link #growAfterMapFull}): the write that hit {@code MDB_MAP_FULL} has aborted
 *       and left the gate; it waits up to {@code growthTimeout} for exclusivity, grows, and
 *       retries. A snapshot or iterator kept open that long fails the write with NO_SPACE: a long
 *       wait would stall every reader behind the waiting grower.</li>
 *   <li>ahead of need ({@link #growIfIdle}): after a commit that leaves the map more than
 *       {@code growthThreshold} full, grow at once if nothing is inside the gate, else do nothing.
 *       This keeps the blocking case rare.</li>
 * </ul>
 * A grower must not be inside the gate itself (it would wait for itself): writes leave the gate
 * before they grow, and a thread that holds a snapshot while writing can only fail with NO_SPACE.
 *
 * <p>{@code LifecycleGate.runExclusive} may run its work after the gate was closed by a concurrent
 * engine close (it checks for closing only before it starts waiting), so the resize itself takes
 * {@link #resizeLock}, which the engine's close also takes to free the environment.
 */
final class MapGrowth {
    private static final Logger LOG = LoggerFactory.getLogger(MapGrowth.class);

    private final Env<ByteBuffer> env;
    private final LifecycleGate gate;
    private final LmdbOptions options;
    private final Runnable beforeResize;
    private final long pageSize;
    private final AtomicInteger growersInFlight = new AtomicInteger();
    private final AtomicLong growths = new AtomicLong();
    private final AtomicInteger writersWaiting = new AtomicInteger();
    private final Object resizeLock = new Object();
    private boolean envFreed;

    /**
     * @param beforeResize runs exclusively right before each resize (drops pooled read
     *                     transactions, so none survives a remap even in its reset state)
     */
    MapGrowth(Env<ByteBuffer> env, LifecycleGate gate, LmdbOptions options, Runnable beforeResize) {
        this.env = env;
        this.gate = gate;
        this.options = options;
        this.beforeResize = beforeResize;
        this.pageSize = env.stat().pageSize;
    }

    /** The current map size. Call inside the gate. */
    long mapSize() {
        return env.info().mapSize;
    }

    /** How often the map has grown since the engine opened. */
    long growths() {
        return growths.get();
    }

    /** Writes that filled the map and are waiting for exclusivity to grow it (for tests and metrics). */
    int writersWaiting() {
        return writersWaiting.get();
    }

    /** Whether the map is used beyond the growth threshold. Call inside the gate. */
    boolean nearlyFull() {
        EnvInfo info = env.info();
        return (info.lastPageNumber + 1) * pageSize > info.mapSize * options.growthThreshold();
    }

    /**
     * Grows a map of {@code fullSize} bytes that a write found full. Call outside the gate.
     *
     * @throws EngineException NO_SPACE if open snapshots or iterators kept the map from growing
     *                         for the growth timeout; CLOSED if the engine closed meanwhile
     */
    void growAfterMapFull(long fullSize) {
        long timeout = options.growthTimeout().toMillis();
        growersInFlight.incrementAndGet();
        writersWaiting.incrementAndGet();
        try {
            if (!gate.runExclusive(timeout, () -> growFrom(fullSize, false))) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new EngineException(EngineException.Code.INTERNAL,
                            "interrupted while waiting to grow the full LMDB map of " + fullSize + " bytes");
                }
                throw new EngineException(EngineException.Code.NO_SPACE, "the LMDB map of " + fullSize
                        + " bytes is full and open snapshots blocked map growth for " + timeout
                        + " ms; close long-lived snapshots and iterators, or raise lmdb.map-size");
            }
        } finally {
            writersWaiting.decrementAndGet();
            growersInFlight.decrementAndGet();
        }
    }

    /** Grows the map ahead of need if nothing holds the gate right now; never waits. Call outside the gate. */
    void growIfIdle(long seenSize) {
        if (!growersInFlight.compareAndSet(0, 1)) {
            return;
        }
        try {
            gate.runExclusive(0, () -> growFrom(seenSize, true));
        } catch (EngineException closed) {
            // The engine closed meanwhile: nothing to grow.
        } finally {
            growersInFlight.decrementAndGet();
        }
    }

    /**
     * Runs exclusively: resizes unless another grower got there first or, ahead of need, the map
     * is no longer nearly full.
     */
    private void growFrom(long seenSize, boolean aheadOfNeed) {
        synchronized (resizeLock) {
            if (envFreed) {
                throw EngineException.closed("lmdb engine");
            }
            long current = env.info().mapSize;
            if (current > seenSize || (aheadOfNeed && !nearlyFull())) {
                return;
            }
            String why = aheadOfNeed ? "it is more than " + Math.round(options.growthThreshold() * 100) + "% used"
                    : "a write filled it";
            long next = options.grownMapSize(current);
            beforeResize.run();
            try {
                env.setMapSize(next);
            } catch (RuntimeException e) {
                throw LmdbErrors.wrap("growing the LMDB map to " + next + " bytes", e);
            }
            growths.incrementAndGet();
            LOG.info("LMDB map grown from {} to {} bytes because {}", current, next, why);
        }
    }

    /** Runs {@code free} (closing the environment) so that no resize can run during or after it. */
    void freeEnv(Runnable free) {
        synchronized (resizeLock) {
            envFreed = true;
            free.run();
        }
    }
}
