package io.kvasir.txn.sched;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pessimistic lock requests waiting for a key another transaction holds (TiKV's
 * {@code lock_manager::WaiterManager}): a waiter is woken when a command on this store releases
 * the key's lock (commit, rollback, resolve, pessimistic rollback), or when its wait times out;
 * either way it tries again and learns where it stands. Thread-safe.
 */
public final class LockWaits {

    /** Why a wait ended. */
    public enum Outcome {
        WOKEN,
        TIMED_OUT,
        /** Never set here: the deadlock detector ends a wait this way (the waiter completes it). */
        DEADLOCK
    }

    private final ScheduledExecutorService timer;
    private final Map<ByteBuffer, List<CompletableFuture<Outcome>>> waiting = new HashMap<>();

    public LockWaits(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Completes when a lock on {@code encodedKey} is released here, or after {@code timeoutMillis}. */
    public CompletableFuture<Outcome> await(byte[] encodedKey, long timeoutMillis) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        ByteBuffer key = ByteBuffer.wrap(encodedKey.clone());
        synchronized (this) {
            waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        timer.schedule(() -> {
            synchronized (this) {
                List<CompletableFuture<Outcome>> list = waiting.get(key);
                if (list != null && list.remove(f) && list.isEmpty()) {
                    waiting.remove(key);
                }
            }
            f.complete(Outcome.TIMED_OUT);
        }, Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        return f;
    }

    /** Locks on these keys may have gone: wake everyone waiting on them. */
    public void wake(Collection<byte[]> encodedKeys) {
        List<CompletableFuture<Outcome>> woken = new ArrayList<>();
        synchronized (this) {
            if (waiting.isEmpty()) {
                return;
            }
            for (byte[] k : encodedKeys) {
                List<CompletableFuture<Outcome>> list = waiting.remove(ByteBuffer.wrap(k));
                if (list != null) {
                    woken.addAll(list);
                }
            }
        }
        woken.forEach(f -> f.complete(Outcome.WOKEN)); // outside the lock: waiters retry at once
    }

    /** How many requests wait; for metrics and tests. */
    public synchronized int size() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }
}
