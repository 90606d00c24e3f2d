package io.kvasir.engine.titan;

import io.kvasir.engine.api.EngineException;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs the foreground blob file before RocksDB writes a memtable to an SST file. Unsynced writes
 * reach the LSM tree's WAL without an fsync; once their memtable is flushed, RocksDB treats them as
 * durable and drops that WAL, so the blob records their indexes point at must be durable first.
 * Titan gets this for free by writing blob files during flush; writing values at write time, as
 * here, needs this hook.
 *
 * <p>Runs on RocksDB's flush thread. It must not throw into native code: a failure is logged and
 * remembered by the store, which then refuses writes.
 */
final class SyncBlobsBeforeFlush extends AbstractEventListener {
    static {
        // The listener's native half is created before RocksDbEngine, which would load the library.
        RocksDB.loadLibrary();
    }

    private static final Logger LOG = LoggerFactory.getLogger(SyncBlobsBeforeFlush.class);

    private final BlobStore blobs;

    SyncBlobsBeforeFlush(BlobStore blobs) {
        super(EnabledEventCallback.ON_FLUSH_BEGIN);
        this.blobs = blobs;
    }

    @Override
    public void onFlushBegin(RocksDB db, FlushJobInfo info) {
        try {
            blobs.syncForFlush();
        } catch (EngineException e) {
            LOG.error("cannot sync blob files before a memtable flush; refusing further writes: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("cannot sync blob files before a memtable flush", e);
        }
    }
}
