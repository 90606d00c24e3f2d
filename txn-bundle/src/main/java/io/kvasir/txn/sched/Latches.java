package io.kvasir.txn.sched;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Serialises actions on overlapping keys without blocking a thread: each key hashes to a slot
 * whose tail is the last action queued on it; a new action starts when the tails of all its slots
 * have finished, and becomes their new tail. Taking every slot in one step under a lock makes
 * waits acyclic, so there is no deadlock. Hash collisions only cost needless waiting.
 */
public final class Latches {
    private final CompletableFuture<?>[] tails;

    public Latches(int slots) {
        tails = new CompletableFuture<?>[slots];
        Arrays.fill(tails, CompletableFuture.completedFuture(null));
    }

    public <T> CompletableFuture<T> run(Collection<byte[]> keys, Supplier<CompletableFuture<T>> action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<?>[] waits;
        synchronized (this) {
            int[] slots = keys.stream().mapToInt(this::slot).distinct().toArray();
            waits = new CompletableFuture<?>[slots.length];
            for (int i = 0; i < slots.length; i++) {
                waits[i] = tails[slots[i]];
                tails[slots[i]] = done;
            }
        }
        CompletableFuture<T> result = CompletableFuture.allOf(waits)
                .handle((ignored, error) -> null)
                .thenCompose(ignored -> {
                    try {
                        return action.get();
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                });
        result.whenComplete((value, error) -> done.complete(null));
        return result;
    }

    private int slot(byte[] key) {
        return Math.floorMod(Arrays.hashCode(key), tails.length);
    }
}
