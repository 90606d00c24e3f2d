package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.WriteBatch;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;

/**
 * A native RocksDB write batch. It does not depend on the database being open (RocksDB batches
 * are plain buffers), so it needs no gate; count and size are kept on the Java side to spare a
 * native call each.
 */
final class RocksDbWriteBatch implements WriteBatch {
    private final RocksDbEngine owner;
    private final EngineLimits limits;
    private final Function<ColumnFamily, ColumnFamilyHandle> handles;
    private final org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch();
    private int count;
    private long dataSize;
    private boolean closed;

    RocksDbWriteBatch(RocksDbEngine owner, EngineLimits limits, Function<ColumnFamily, ColumnFamilyHandle> handles) {
        this.owner = owner;
        this.limits = limits;
        this.handles = handles;
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value) {
        requireOpen();
        RocksDbEngine.requireCf(cf);
        limits.checkKey(key);
        limits.checkValue(value);
        try {
            batch.put(handles.apply(cf), key, value);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("batch put failed", e);
        }
        added(key.length + value.length);
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key) {
        requireOpen();
        RocksDbEngine.requireCf(cf);
        limits.checkKey(key);
        try {
            batch.delete(handles.apply(cf), key);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("batch delete failed", e);
        }
        added(key.length);
    }

    @Override
    public void deleteRange(ColumnFamily cf, byte[] start, byte[] end) {
        requireOpen();
        RocksDbEngine.requireCf(cf);
        limits.checkBound(start);
        limits.checkBound(end);
        int order = Keys.compare(start, end);
        if (order > 0) {
            throw EngineException.invalidArgument("delete-range start is above its end");
        }
        if (order == 0) {
            return;
        }
        try {
            batch.deleteRange(handles.apply(cf), start, end);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("batch delete-range failed", e);
        }
        added(start.length + end.length);
    }

    private void added(long bytes) {
        count++;
        dataSize += bytes;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public boolean isEmpty() {
        return count == 0;
    }

    @Override
    public long dataSize() {
        return dataSize;
    }

    @Override
    public void clear() {
        requireOpen();
        batch.clear();
        count = 0;
        dataSize = 0;
    }

    /** The native batch, for the engine that made it; refuses batches of other engines. */
    org.rocksdb.WriteBatch nativeBatchFor(RocksDbEngine engine) {
        if (engine != owner) {
            throw EngineException.invalidArgument("write batch belongs to another engine");
        }
        requireOpen();
        return batch;
    }

    private void requireOpen() {
        if (closed) {
            throw EngineException.closed("write batch");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            batch.close();
        }
    }
}
