package io.kvasir.engine.api;

/** Ordered iteration. Implemented by engines (reading their latest state) and snapshots. */
public interface Scannable {

    /**
     * A new iterator over {@code cf}, unpositioned. An iterator on an engine sees the engine as it
     * was when the iterator was created; later writes are invisible to it. The caller closes it.
     */
    EngineIterator newIterator(ColumnFamily cf, IterOptions options);

    /** An iterator over all of {@code cf}. */
    default EngineIterator newIterator(ColumnFamily cf) {
        return newIterator(cf, IterOptions.ALL);
    }
}
