package io.kvasir.raft.core;

/**
 * The pipelining window of one follower: the last index of each append message sent and not yet
 * acknowledged, oldest first, in a ring buffer (etcd {@code tracker/inflights.go}). Full means the
 * leader waits for acknowledgements before sending more entries.
 *
 * <p>Invariant: the recorded indexes strictly increase.
 */
final class Inflights {

    private final long[] buffer;
    private int start;
    private int count;

    Inflights(int capacity) {
        this.buffer = new long[capacity];
    }

    /** Records an append message whose last entry is {@code lastIndex}. */
    void add(long lastIndex) {
        if (full()) {
            throw new IllegalStateException("inflights full (" + count + " of " + buffer.length + "), cannot add " + lastIndex);
        }
        if (count > 0) {
            long newest = buffer[(start + count - 1) % buffer.length];
            if (lastIndex <= newest) {
                throw new IllegalStateException("inflight index " + lastIndex + " does not exceed newest " + newest);
            }
        }
        buffer[(start + count) % buffer.length] = lastIndex;
        count++;
    }

    /** Frees every message whose last index is at most {@code to}: they are acknowledged. */
    void freeLE(long to) {
        while (count > 0 && buffer[start] <= to) {
            start = (start + 1) % buffer.length;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    boolean full() {
        return count == buffer.length;
    }

    int count() {
        return count;
    }

    int capacity() {
        return buffer.length;
    }

    void reset() {
        start = 0;
        count = 0;
    }

    Inflights copy() {
        Inflights c = new Inflights(buffer.length);
        for (int i = 0; i < count; i++) {
            c.add(buffer[(start + i) % buffer.length]);
        }
        return c;
    }
}
