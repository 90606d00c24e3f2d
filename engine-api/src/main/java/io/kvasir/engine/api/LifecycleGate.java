package io.kvasir.engine.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Guards native resources against use after free. Every call that touches native memory runs
 * between {@link #enter()} and {@link #exit()}; {@link #close()} refuses new entries and waits for
 * the calls in flight to leave, so it can then free what they used. {@link #runExclusive} does the
 * same for a bounded time without closing, for work that needs no concurrent users (LMDB growing
 * its memory map).
 *
 * <p>Entering is one uncontended lock acquisition, cheap next to a native call, and entries may
 * be released by a different thread than took them (a snapshot closed elsewhere).
 */
public final class LifecycleGate {
    private final String owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final Condition reopened = lock.newCondition();
    private int active;
    private boolean exclusive;
    private boolean closed;

    public LifecycleGate(String owner) {
        this.owner = owner;
    }

    /** Enters, or fails with CLOSED. Waits while exclusive work runs. */
    public void enter() {
        lock.lock();
        try {
            while (exclusive && !closed) {
                reopened.awaitUninterruptibly();
            }
            if (closed) {
                throw EngineException.closed(owner);
            }
            active++;
        } finally {
            lock.unlock();
        }
    }

    public void exit() {
        lock.lock();
        try {
            if (active <= 0) {
                throw new IllegalStateException(owner + ": gate exited more often than entered");
            }
            if (--active == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new entries and waits until none are in flight. Returns false if it was already
     * closed, so exactly one caller frees the resources.
     */
    public boolean close() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            reopened.signalAll();
            while (active > 0) {
                idle.awaitUninterruptibly();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} once no entry is in flight, holding new entries back meanwhile. The caller
     * must not itself be inside the gate. Gives up, running nothing, if the gate does not drain
     * within {@code timeoutMillis} (some long-lived user, such as an open snapshot, holds it).
     *
     * @return whether {@code work} ran
     */
    public boolean runExclusive(long timeoutMillis, Runnable work) {
        lock.lock();
        try {
            while (exclusive && !closed) {
                reopened.awaitUninterruptibly();
            }
            if (closed) {
                throw EngineException.closed(owner);
            }
            exclusive = true;
            try {
                long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while (active > 0) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = idle.awaitNanos(remaining);
                }
                work.run();
                return true;
            } finally {
                exclusive = false;
                reopened.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
