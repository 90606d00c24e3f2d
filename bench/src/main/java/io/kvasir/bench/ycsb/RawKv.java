package io.kvasir.bench.ycsb;

import java.util.List;

/**
 * The raw key-value calls the workloads make, so that the runner can be tested without a cluster.
 * The driver's implementation is {@link TikvRawKv}. Calls may be made from many threads at once;
 * failures are thrown. Arrays passed in are not modified afterwards and may be kept.
 */
interface RawKv {

    /** The length of the key's value, or -1 if the key has none. */
    int get(byte[] key);

    void put(byte[] key, byte[] value);

    /** Writes {@code keys.get(i) -> values.get(i)} for every i, in one call. */
    void batchPut(List<byte[]> keys, List<byte[]> values);

    /** Scans up to {@code limit} pairs from {@code startKey} (inclusive); returns how many came back. */
    int scan(byte[] startKey, int limit);
}
