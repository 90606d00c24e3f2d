package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The most recently persisted entries of one region's log, so that the hot reads of the core
 * (the term of the last entry on every append and election, the committed tail to apply, the tail
 * a follower is missing) do not go to the engine. A ring of at most {@code capacity} contiguous
 * entries; invariant: {@code ring[head + i]} holds index {@code firstIndex() + i}. Not
 * thread-safe: owned by the driver thread.
 */
final class EntryCache {

    private final Entry[] ring;
    private int head;
    private int size;

    EntryCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.ring = new Entry[capacity];
    }

    /**
     * Records entries just persisted: drops cached entries at or after the first new index (a new
     * leader overwrote them), then appends, evicting the oldest beyond capacity. A gap between the
     * cache and the new entries empties the cache first, to keep it contiguous.
     */
    void append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        long first = ents.get(0).getIndex();
        if (size > 0) {
            if (first <= firstIndex() || first > lastIndex() + 1) {
                clear();
            } else {
                size = (int) (first - firstIndex());
            }
        }
        for (Entry e : ents) {
            if (size == ring.length) {
                ring[head] = null;
                head = (head + 1) % ring.length;
                size--;
            }
            ring[(head + size) % ring.length] = e;
            size++;
        }
    }

    void clear() {
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
    }

    /** Drops cached entries at or below {@code index} (the log was compacted there). */
    void compactTo(long index) {
        while (size > 0 && at(0).getIndex() <= index) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
        }
    }

    /** The cached entry at {@code index}, or null. */
    Entry get(long index) {
        if (size == 0 || index < firstIndex() || index > lastIndex()) {
            return null;
        }
        return at((int) (index - firstIndex()));
    }

    /** Entries {@code [lo, hi)} if all of them are cached, else null. */
    List<Entry> slice(long lo, long hi) {
        if (size == 0 || lo < firstIndex() || hi - 1 > lastIndex() || lo > hi) {
            return null;
        }
        List<Entry> out = new ArrayList<>((int) (hi - lo));
        for (long i = lo; i < hi; i++) {
            out.add(at((int) (i - firstIndex())));
        }
        return out;
    }

    /** The first cached index; meaningless when {@link #isEmpty()}. */
    long firstIndex() {
        return at(0).getIndex();
    }

    long lastIndex() {
        return at(size - 1).getIndex();
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    private Entry at(int offset) {
        return ring[(head + offset) % ring.length];
    }
}
