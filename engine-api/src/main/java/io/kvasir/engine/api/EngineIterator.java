package io.kvasir.engine.api;

/**
 * A cursor over one column family within the bounds of its {@link IterOptions}. Positioning calls
 * return whether the iterator is now on a key ({@link #valid()}). An iterator is used by one thread
 * at a time and must be closed; it is closed for you when its engine or snapshot closes, after
 * which every call fails with {@link EngineException.Code#CLOSED}.
 */
public interface EngineIterator extends AutoCloseable {

    /** Positions at the first key {@code >= key} (at least the lower bound). */
    boolean seek(byte[] key);

    /** Positions at the last key {@code <= key} (below the upper bound). */
    boolean seekForPrev(byte[] key);

    /** Positions at the first key within the bounds. */
    boolean seekToFirst();

    /** Positions at the last key within the bounds. */
    boolean seekToLast();

    /** Moves to the next key; fails with INVALID_STATE when not {@link #valid()}. */
    boolean next();

    /** Moves to the previous key; fails with INVALID_STATE when not {@link #valid()}. */
    boolean prev();

    /** Whether the iterator is on a key. */
    boolean valid();

    /** The current key (a fresh copy); fails with INVALID_STATE when not {@link #valid()}. */
    byte[] key();

    /** The current value (a fresh copy); fails with INVALID_STATE when not {@link #valid()}. */
    byte[] value();

    /** Releases the iterator. Idempotent. */
    @Override
    void close();
}
