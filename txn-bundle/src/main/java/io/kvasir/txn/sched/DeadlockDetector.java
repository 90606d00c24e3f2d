package io.kvasir.txn.sched;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The wait-for graph of pessimistic transactions (TiKV's {@code deadlock::DetectTable}): an edge
 * says that a transaction (by start_ts) waits for a lock another holds on a key. A wait that would
 * close a cycle is refused and answered with the cycle, so the waiter gives up (a deadlock error)
 * and the others go on. Edges expire after {@code ttlMillis}, as a lost clean-up must not leave a
 * phantom deadlock forever. Thread-safe.
 */
public final class DeadlockDetector {

    /** One wait: {@code waiter} waits for {@code holder}'s lock on the key with {@code keyHash}. */
    public record Wait(long waiter, long holder, long keyHash, byte[] key) {
    }

    private record Edge(long keyHash, byte[] key, long sinceMillis) {
    }

    private final LongSupplier clockMillis;
    private final long ttlMillis;
    /** waiter -> holder -> the keys it waits on through that holder. */
    private final Map<Long, Map<Long, List<Edge>>> waitFor = new HashMap<>();

    public DeadlockDetector(LongSupplier clockMillis, long ttlMillis) {
        this.clockMillis = clockMillis;
        this.ttlMillis = ttlMillis;
    }

    /**
     * Records that {@code waiter} waits for {@code holder}, unless that closes a cycle: then nothing
     * is recorded and the cycle is returned, from the waiter's new wait around to the wait that
     * leads back to it.
     */
    public synchronized Optional<List<Wait>> detect(long waiter, long holder, long keyHash, byte[] key) {
        long now = clockMillis.getAsLong();
        expire(now);
        List<Wait> path = pathFrom(holder, waiter);
        if (path != null) {
            List<Wait> cycle = new ArrayList<>();
            cycle.add(new Wait(waiter, holder, keyHash, key));
            cycle.addAll(path);
            return Optional.of(Collections.unmodifiableList(cycle));
        }
        waitFor.computeIfAbsent(waiter, w -> new HashMap<>()).computeIfAbsent(holder, h -> new ArrayList<>())
                .add(new Edge(keyHash, key, now));
        return Optional.empty();
    }

    /** The waiter stopped waiting on that key (it got the lock, or gave up). */
    public synchronized void cleanUpWaitFor(long waiter, long holder, long keyHash) {
        Map<Long, List<Edge>> holders = waitFor.get(waiter);
        if (holders == null) {
            return;
        }
        List<Edge> edges = holders.get(holder);
        if (edges != null) {
            edges.removeIf(e -> e.keyHash() == keyHash);
            if (edges.isEmpty()) {
                holders.remove(holder);
            }
        }
        if (holders.isEmpty()) {
            waitFor.remove(waiter);
        }
    }

    /** The transaction ended: it waits for nobody any more. */
    public synchronized void cleanUp(long txn) {
        waitFor.remove(txn);
    }

    /** Forgets every wait: the graph of a store that stopped being the cluster's detector is stale. */
    public synchronized void clear() {
        waitFor.clear();
    }

    /** Every wait recorded now (TiKV's GetWaitForEntries). */
    public synchronized List<Wait> waits() {
        List<Wait> all = new ArrayList<>();
        waitFor.forEach((waiter, holders) -> holders.forEach((holder, edges) -> edges.forEach(
                e -> all.add(new Wait(waiter, holder, e.keyHash(), e.key())))));
        return all;
    }

    /** How many transactions wait for some other; for metrics and tests. */
    public synchronized int waiters() {
        return waitFor.size();
    }

    /** A chain of waits from {@code from} to {@code to}, breadth first (the shortest), or null. */
    private List<Wait> pathFrom(long from, long to) {
        Map<Long, Wait> reachedBy = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> queue = new ArrayDeque<>();
        queue.add(from);
        seen.add(from);
        while (!queue.isEmpty()) {
            long txn = queue.poll();
            if (txn == to) {
                List<Wait> path = new ArrayList<>();
                for (long at = to; at != from; at = reachedBy.get(at).waiter()) {
                    path.add(reachedBy.get(at));
                }
                Collections.reverse(path);
                return path;
            }
            Map<Long, List<Edge>> holders = waitFor.getOrDefault(txn, Map.of());
            for (Map.Entry<Long, List<Edge>> h : holders.entrySet()) {
                if (seen.add(h.getKey()) && !h.getValue().isEmpty()) {
                    Edge e = h.getValue().get(0);
                    reachedBy.put(h.getKey(), new Wait(txn, h.getKey(), e.keyHash(), e.key()));
                    queue.add(h.getKey());
                }
            }
        }
        return null;
    }

    private void expire(long now) {
        Iterator<Map.Entry<Long, Map<Long, List<Edge>>>> waiters = waitFor.entrySet().iterator();
        while (waiters.hasNext()) {
            Map<Long, List<Edge>> holders = waiters.next().getValue();
            holders.values().forEach(edges -> edges.removeIf(e -> now - e.sinceMillis() >= ttlMillis));
            holders.values().removeIf(List::isEmpty);
            if (holders.isEmpty()) {
                waiters.remove();
            }
        }
    }
}
