package io.kvasir.engine.api;

/** Point reads. Implemented by engines and snapshots. */
public interface Peekable {

    /**
     * The value of {@code key} in {@code cf}, or {@code null} when absent. An empty array is a
     * present, empty value.
     */
    byte[] get(ColumnFamily cf, byte[] key);
}
