package io.kvasir.engine.titan;

import io.kvasir.engine.api.EngineException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background GC thread: a round every {@code titan.gc-interval}, skipped when nothing was
 * written since the last one (an idle store has no new garbage). Closing
 * the engine stops it; a round in progress notices between steps and ends early.
 */
final class BackgroundGc {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundGc.class);

    private final TitanEngine engine;
    private final Duration interval;
    private final Mutations mutations;
    private Mutations.Mark lastRound;
    private volatile boolean stopping;
    private ScheduledExecutorService executor;

    BackgroundGc(TitanEngine engine, Duration interval, Mutations mutations) {
        this.engine = engine;
        this.interval = interval;
        this.mutations = mutations;
    }

    void start() {
        if (interval.isZero()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kvasir-titan-gc " + engine.path().getFileName());
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        executor.scheduleWithFixedDelay(this::round, millis, millis, TimeUnit.MILLISECONDS);
    }

    boolean stopping() {
        return stopping;
    }

    private void round() {
        Mutations.Mark now = mutations.mark();
        if (now.equals(lastRound) || stopping) {
            return;
        }
        lastRound = now;
        try {
            GcReport report = engine.gc();
            if (report.filesRewritten() > 0 || report.bytesDeleted() > 0) {
                LOG.debug("blob GC of {}: {}", engine.path(), report);
            }
        } catch (EngineException e) {
            if (e.code() != EngineException.Code.CLOSED) {
                LOG.warn("blob GC of {} failed: {}", engine.path(), e.toString());
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; keep the thread alive and say why.
            LOG.error("blob GC of {} failed", engine.path(), e);
        }
    }

    /** Stops the thread and waits for a round in progress, which ends at its next step. */
    void stop() {
        stopping = true;
        if (executor == null) {
            return;
        }
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
