package io.kvasir.bench.engine;

import org.openjdk.jmh.infra.Blackhole;

/**
 * One key-value store under test: an engine behind the engine API, or the raw library it adapts.
 * Each operation is what a caller of that implementation would write to do the same work, so
 * the difference between an engine and its raw twin is the cost of the adapter layer.
 *
 * <p>Everything reads and writes one keyspace (the engine's {@code default} column family). A
 * target is used by one thread.
 */
interface KvTarget extends AutoCloseable {

    /** Writes one key in its own atomic write. */
    void put(byte[] key, byte[] value, boolean sync);

    /** Writes the first {@code count} pairs in one atomic write. The arrays may be reused after the call. */
    void write(byte[][] keys, byte[][] values, int count, boolean sync);

    /** The value of {@code key} as a fresh array, or null when absent. */
    byte[] get(byte[] key);

    /**
     * Reads up to {@code limit} consecutive pairs from the first key {@code >= start}, handing each
     * key and value, as fresh arrays, to {@code sink}.
     *
     * @return how many pairs were read
     */
    int scan(byte[] start, int limit, Blackhole sink);

    /** Makes everything written so far durable in the store's main files. */
    void flush();

    @Override
    void close();
}
