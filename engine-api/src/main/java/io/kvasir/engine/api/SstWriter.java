package io.kvasir.engine.api;

/**
 * Writes one sorted file for {@link SortedFiles#ingest}. Keys must be added in strictly ascending
 * order; a key out of order is refused with INVALID_ARGUMENT and the writer stays usable. The file
 * is complete only after {@link #finish()}; closing without finishing deletes it.
 */
public interface SstWriter extends AutoCloseable {

    void put(byte[] key, byte[] value);

    /** Records a deletion: ingesting the file removes {@code key}. */
    void delete(byte[] key);

    /** Completes the file and returns its description. Fails on an empty file. */
    SstFileInfo finish();

    @Override
    void close();
}
