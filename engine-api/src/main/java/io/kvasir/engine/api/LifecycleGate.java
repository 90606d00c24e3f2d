package io.kvasir.engine.api;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Guards native resources against use after free. Every call that touches native memory runs
 * between {@link #enter()} and {@link #exit()}; {@link #close()} refuses new entries and waits for
 * the calls in flight to leave, so it can then free what they used. {@link #runExclusive} does the
 * same for a bounded time without closing, for work that needs no concurrent users (LMDB growing
 * its memory map).
 *
 * <p>Entering and leaving are one atomic add each: the gate sits on every iterator step, where a
 * lock would cost as much as the native call it guards. The lock below is taken only when a flag
 * is set. Entries may be released by a different thread than took them (a snapshot closed
 * elsewhere).
 */
public final class LifecycleGate {
    private static final long CLOSED = 1L << 62;
    private static final long EXCLUSIVE = 1L << 61;
    private static final long FLAGS = CLOSED | EXCLUSIVE;
    private static final long COUNT = EXCLUSIVE - 1;

    private final String owner;
    /** Flags in the high bits, entries in flight in the low bits. */
    private final AtomicLong state = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    public LifecycleGate(String owner) {
        this.owner = owner;
    }

    /** Enters, or fails with CLOSED. Waits while exclusive work runs. */
    public void enter() {
        long previous = state.getAndIncrement();
        if ((previous & FLAGS) == 0) {
            return;
        }
        exit();
        enterSlowly();
    }

    private void enterSlowly() {
        lock.lock();
        try {
            while (true) {
                long s = state.get();
                if ((s & CLOSED) != 0) {
                    throw EngineException.closed(owner);
                }
                if ((s & EXCLUSIVE) == 0 && state.compareAndSet(s, s + 1)) {
                    return;
                }
                if ((s & EXCLUSIVE) != 0) {
                    changed.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public void exit() {
        long now = state.decrementAndGet();
        if ((now & COUNT) == COUNT) {
            state.incrementAndGet();
            throw new IllegalStateException(owner + ": gate exited more often than entered");
        }
        if ((now & FLAGS) != 0 && (now & COUNT) == 0) {
            signal();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Refuses new entries and waits until none are in flight. Returns false if it was already
     * closed, so exactly one caller frees the resources.
     */
    public boolean close() {
        lock.lock();
        try {
            long s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    return false;
                }
            } while (!state.compareAndSet(s, s | CLOSED));
            changed.signalAll();
            while ((state.get() & COUNT) != 0) {
                changed.awaitUninterruptibly();
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
            long s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    throw EngineException.closed(owner);
                }
                if ((s & EXCLUSIVE) != 0) {
                    changed.awaitUninterruptibly();
                    s = -1;
                }
            } while (s < 0 || !state.compareAndSet(s, s | EXCLUSIVE));
            try {
                long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while ((state.get() & COUNT) != 0) {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = changed.awaitNanos(remaining);
                }
                // close() may have run while this waited: it drains the same entries. Once closed,
                // the resources the work would touch are being freed.
                if ((state.get() & CLOSED) != 0) {
                    throw EngineException.closed(owner);
                }
                work.run();
                return true;
            } finally {
                state.getAndUpdate(v -> v & ~EXCLUSIVE);
                changed.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
