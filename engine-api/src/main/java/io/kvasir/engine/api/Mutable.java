package io.kvasir.engine.api;

/** Writes. */
public interface Mutable {

    /** A new, empty batch for this engine. */
    WriteBatch newWriteBatch();

    /**
     * Applies {@code batch} atomically. The batch stays as it was and may be written again or
     * cleared. A batch made by another engine is refused with INVALID_ARGUMENT.
     */
    void write(WriteBatch batch, WriteOptions options);

    /** Writes one key. Engines may override this with a faster single-key path. */
    default void put(ColumnFamily cf, byte[] key, byte[] value, WriteOptions options) {
        try (WriteBatch batch = newWriteBatch()) {
            batch.put(cf, key, value);
            write(batch, options);
        }
    }

    /** Deletes one key; deleting an absent key succeeds. */
    default void delete(ColumnFamily cf, byte[] key, WriteOptions options) {
        try (WriteBatch batch = newWriteBatch()) {
            batch.delete(cf, key);
            write(batch, options);
        }
    }
}
