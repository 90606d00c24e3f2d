package io.kvasir.raft.store.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of poller threads running {@link Fsm}s that have work (TiKV's {@code BatchSystem}): each
 * poller takes up to {@code maxBatchSize} ready machines at once and hands them to its own
 * {@link PollHandler} as one batch, so the handler can share costly work among them (one synced
 * write for every machine's log). A machine is in at most one batch at a time.
 *
 * @param <F> the machines it runs
 */
public final class BatchSystem<F extends Fsm<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSystem.class);
    /** How long an idle poller waits before it looks at the stop flag again. */
    private static final long IDLE_WAIT_MILLIS = 100;

    /** What a poller does with its batches; one instance per poller thread, so it may keep state. */
    public interface PollHandler<F> {
        /** Runs one batch of machines, each of which has mail or other work. */
        void handle(List<F> batch);

        /** Whether {@code fsm} has work besides its mail (checked when the poller lets it go). */
        boolean hasMoreWork(F fsm);
    }

    private final String name;
    private final int maxBatchSize;
    private final LinkedBlockingQueue<F> ready = new LinkedBlockingQueue<>();
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean running;

    public BatchSystem(String name, int maxBatchSize) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be positive, was " + maxBatchSize);
        }
        this.name = name;
        this.maxBatchSize = maxBatchSize;
    }

    /** Starts one poller per handler. */
    public synchronized void start(List<? extends PollHandler<F>> handlers) {
        if (running || !pollers.isEmpty()) {
            throw new IllegalStateException(name + " already started");
        }
        running = true;
        for (int i = 0; i < handlers.size(); i++) {
            PollHandler<F> handler = handlers.get(i);
            Thread t = new Thread(() -> poll(handler), name + "-" + i);
            t.setDaemon(true);
            pollers.add(t);
            t.start();
        }
    }

    /** Queues a machine that has work; called by {@link Fsm} when it leaves IDLE. */
    @SuppressWarnings("unchecked")
    void schedule(Fsm<?> fsm) {
        ready.offer((F) fsm);
    }

    /** Stops the pollers once their current batch is done, and waits for them (unless called from one). */
    public void stop() {
        running = false;
        List<Thread> threads;
        synchronized (this) {
            threads = List.copyOf(pollers);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether {@code t} is one of this system's pollers. */
    public boolean isPoller(Thread t) {
        synchronized (this) {
            return pollers.contains(t);
        }
    }

    private void poll(PollHandler<F> handler) {
        List<F> batch = new ArrayList<>(maxBatchSize);
        while (running) {
            try {
                F first = ready.poll(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                ready.drainTo(batch, maxBatchSize - 1);
                try {
                    handler.handle(batch);
                } catch (RuntimeException e) {
                    LOG.error("{}: a batch failed; its machines go on", name, e);
                }
                for (F fsm : batch) {
                    boolean more;
                    try {
                        more = handler.hasMoreWork(fsm);
                    } catch (RuntimeException e) {
                        more = false;
                    }
                    fsm.release(more);
                }
                batch.clear();
            } catch (InterruptedException e) {
                LOG.warn("{}: poller interrupted; it stops only when the system stops", name);
            }
        }
    }
}
