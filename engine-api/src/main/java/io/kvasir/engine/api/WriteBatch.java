package io.kvasir.engine.api;

/**
 * An ordered list of writes applied atomically by {@link Mutable#write}: after a crash either all
 * of them are present or none. Operations apply in the order they were added, so a put after a
 * delete-range that covers its key survives, and one before it does not. A batch belongs to the
 * engine that made it, is used by one thread at a time, and may be reused after {@link #clear()}.
 * Arguments are validated when added; an invalid one leaves the batch unchanged.
 */
public interface WriteBatch extends AutoCloseable {

    void put(ColumnFamily cf, byte[] key, byte[] value);

    void delete(ColumnFamily cf, byte[] key);

    /** Deletes every key in {@code [start, end)}; {@code start == end} deletes nothing. */
    void deleteRange(ColumnFamily cf, byte[] start, byte[] end);

    /** The number of operations added. */
    int count();

    boolean isEmpty();

    /** Approximate bytes of keys and values added, for sizing batches. */
    long dataSize();

    /** Removes every operation, keeping the batch usable. */
    void clear();

    /** Releases the batch. Idempotent. */
    @Override
    void close();
}
