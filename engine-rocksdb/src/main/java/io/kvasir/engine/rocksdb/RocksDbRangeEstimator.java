package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.Keys;
import java.util.List;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;

/**
 * Range estimates from RocksDB's metadata, without reading the data. Sizes come from the SST
 * index blocks and memtable statistics. Key counts are the column family's
 * {@code estimate-num-keys} scaled by the range's share of its bytes: RocksJava's
 * {@code getPropertiesOfTablesInRange}, which would give per-file counts, fails in rocksdbjni
 * 11.8.1 (its native side returns an array where the Java side expects a map).
 */
final class RocksDbRangeEstimator {
    private static final byte[] FIRST_KEY = new byte[0];

    private final RocksDB db;

    RocksDbRangeEstimator(RocksDB db) {
        this.db = db;
    }

    /** One column family's estimate. */
    record Estimate(long bytes, long keys) {
    }

    Estimate estimate(ColumnFamilyHandle cf, KeyRange range) throws RocksDBException {
        byte[] pastLast = pastLastKey(cf);
        if (pastLast == null) {
            return new Estimate(0, 0);
        }
        byte[] end = range.isEndOpen() ? pastLast : range.end();
        if (Keys.compare(range.start(), end) >= 0) {
            return new Estimate(0, 0);
        }
        long rangeBytes = approximateBytes(cf, range.start(), end);
        long allBytes = approximateBytes(cf, FIRST_KEY, pastLast);
        long allKeys = db.getLongProperty(cf, "rocksdb.estimate-num-keys");
        long keys = allBytes == 0 ? 0 : Math.min(allKeys, Math.round((double) allKeys * rangeBytes / allBytes));
        return new Estimate(rangeBytes, keys);
    }

    private long approximateBytes(ColumnFamilyHandle cf, byte[] start, byte[] end) {
        try (Slice from = new Slice(start); Slice to = new Slice(end)) {
            return db.getApproximateSizes(cf, List.of(new Range(from, to)),
                    SizeApproximationFlag.INCLUDE_FILES, SizeApproximationFlag.INCLUDE_MEMTABLES)[0];
        }
    }

    /** The smallest key above every key of {@code cf}, or null when it is empty. */
    private byte[] pastLastKey(ColumnFamilyHandle cf) {
        try (RocksIterator it = db.newIterator(cf)) {
            it.seekToLast();
            return it.isValid() ? Keys.next(it.key()) : null;
        }
    }
}
