package io.kvasir.engine.api;

import java.util.List;

/**
 * Size estimates of key ranges, for the split checker and for PD's region statistics. Estimates
 * may lag recent writes and may be off by a constant factor (RocksDB reads them from table
 * properties and memtable statistics); engines without such metadata count exactly.
 */
public interface RangeProperties {

    /** Approximate bytes of keys and values in {@code range}, summed over {@code cfs}. */
    long approximateSize(KeyRange range, List<ColumnFamily> cfs);

    /** Approximate number of keys in {@code range}, summed over {@code cfs}. */
    long approximateKeys(KeyRange range, List<ColumnFamily> cfs);

    /**
     * Keys that cut {@code range} into pieces of at most {@code policy}'s size or key count, in
     * ascending order, each strictly inside the range. Empty when the range needs no split.
     * Keys are taken from {@code cfs[0]}, which should be the column family the split is about
     * (TiKV splits on {@code write} for transactional data and {@code default} for raw data).
     */
    List<byte[]> splitKeys(KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs);
}
