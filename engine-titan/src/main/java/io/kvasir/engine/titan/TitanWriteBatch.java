package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.titan.LsmValue.BlobHandle;

/**
 * A write batch of the titan engine: a batch of the LSM engine, filled as operations are added.
 * A large value is appended to the foreground blob file when it is put, and the batch holds its
 * blob index; the file stays pinned against GC until the batch is cleared or closed, because the
 * batch may still be written (or written again) and GC must not judge those records dead first.
 * A batch that is never written leaves its records as garbage for GC.
 *
 * <p>Used by one thread at a time, as every batch.
 */
final class TitanWriteBatch implements WriteBatch {
    private final TitanEngine owner;
    private final WriteBatch lsm;
    private final BlobStore.Appends appends = new BlobStore.Appends();
    private long dataSize;
    private boolean rangeDeletes;
    private boolean closed;

    TitanWriteBatch(TitanEngine owner, WriteBatch lsm) {
        this.owner = owner;
        this.lsm = lsm;
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value) {
        requireOpen();
        owner.checkPut(cf, key, value);
        if (value.length < owner.minBlobSize()) {
            lsm.put(cf, key, LsmValue.inline(value));
        } else {
            BlobHandle handle = owner.blobs().append(cf, key, value, appends);
            lsm.put(cf, key, handle.encode());
        }
        dataSize += key.length + value.length;
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key) {
        requireOpen();
        lsm.delete(cf, key);
        dataSize += key.length;
    }

    @Override
    public void deleteRange(ColumnFamily cf, byte[] start, byte[] end) {
        requireOpen();
        int before = lsm.count();
        lsm.deleteRange(cf, start, end);
        if (lsm.count() != before) {
            dataSize += start.length + end.length;
            rangeDeletes = true;
        }
    }

    @Override
    public int count() {
        return lsm.count();
    }

    @Override
    public boolean isEmpty() {
        return lsm.isEmpty();
    }

    @Override
    public long dataSize() {
        return dataSize;
    }

    @Override
    public void clear() {
        requireOpen();
        lsm.clear();
        appends.release();
        dataSize = 0;
        rangeDeletes = false;
    }

    boolean hasBlobs() {
        return !appends.isEmpty();
    }

    boolean hasRangeDeletes() {
        return rangeDeletes;
    }

    /** The LSM batch, for the engine that made this one; refuses other engines and closed batches. */
    WriteBatch lsmBatchFor(TitanEngine engine) {
        if (engine != owner) {
            throw EngineException.invalidArgument("write batch belongs to another engine");
        }
        requireOpen();
        return lsm;
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
            lsm.close();
            appends.release();
        }
    }
}
