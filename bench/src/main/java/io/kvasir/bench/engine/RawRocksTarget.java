package io.kvasir.bench.engine;

import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.engine.rocksdb.RocksDbTuning;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * rocksdbjni used directly, the baseline of the rocksdb engine. It is opened with the engine's own
 * native options ({@link RocksDbTuning} from {@link RocksDbOptions#defaults()}: block cache, bloom
 * filter, block size, write buffers, compression per level, background jobs), so that only the
 * adapter layer differs. It writes RocksDB's default column family where the engine writes its own
 * {@code kvasir.default}; both are plain column families with the same options and one shared WAL.
 */
final class RawRocksTarget implements KvTarget {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDbTuning tuning;
    private final RocksDB db;
    private final ColumnFamilyHandle cf;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions asyncWrite = new WriteOptions();
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteBatch batch = new WriteBatch();

    RawRocksTarget(Path dir) {
        this.tuning = new RocksDbTuning(RocksDbOptions.defaults());
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            this.db = RocksDB.open(tuning.dbOptions(), dir.toString(),
                    List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tuning.cfOptions())), handles);
        } catch (RocksDBException e) {
            tuning.close();
            throw new IllegalStateException("cannot open RocksDB in " + dir, e);
        }
        this.cf = handles.get(0);
    }

    private WriteOptions options(boolean sync) {
        return sync ? syncWrite : asyncWrite;
    }

    @Override
    public void put(byte[] key, byte[] value, boolean sync) {
        try {
            db.put(cf, options(sync), key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(byte[][] keys, byte[][] values, int count, boolean sync) {
        try {
            batch.clear();
            for (int i = 0; i < count; i++) {
                batch.put(cf, keys[i], values[i]);
            }
            db.write(options(sync), batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int scan(byte[] start, int limit, Blackhole sink) {
        int read = 0;
        try (RocksIterator it = db.newIterator(cf, readOptions)) {
            for (it.seek(start); it.isValid() && read < limit; it.next()) {
                sink.consume(it.key());
                sink.consume(it.value());
                read++;
            }
            if (!it.isValid()) {
                it.status();
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
        return read;
    }

    @Override
    public void flush() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, cf);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        batch.close();
        readOptions.close();
        cf.close();
        try {
            db.syncWal();
            db.closeE();
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        } finally {
            syncWrite.close();
            asyncWrite.close();
            tuning.close();
        }
    }
}
