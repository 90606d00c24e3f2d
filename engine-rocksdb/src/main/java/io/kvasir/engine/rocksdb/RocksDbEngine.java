package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.EngineStats;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.LifecycleGate;
import io.kvasir.engine.api.RangeScans;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.engine.api.SstWriter;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The engine API over one RocksDB instance with one column family per {@link ColumnFamily}.
 *
 * <p>Every call that reaches native code passes through a {@link LifecycleGate}, and everything the
 * engine hands out that holds native memory tied to the database (iterators, snapshots) is tracked
 * and closed by {@link #close()} after the gate drains. So a late call on a closed engine fails
 * with CLOSED instead of touching freed memory, which in RocksDB's case would crash the JVM.
 */
public final class RocksDbEngine implements KvEngine {
    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    private final RocksDbTuning tuning;
    private final EngineLimits limits;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handleList;
    private final EnumMap<ColumnFamily, ColumnFamilyHandle> handles = new EnumMap<>(ColumnFamily.class);
    private final org.rocksdb.WriteOptions syncWrite = new org.rocksdb.WriteOptions().setSync(true);
    private final org.rocksdb.WriteOptions asyncWrite = new org.rocksdb.WriteOptions();
    private final LifecycleGate gate = new LifecycleGate("rocksdb engine");
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final RocksDbRangeEstimator estimator;

    private RocksDbEngine(Path path, RocksDbTuning tuning, RocksDB db, List<ColumnFamilyHandle> handleList) {
        this.path = path;
        this.tuning = tuning;
        this.limits = new EngineLimits(tuning.options().maxKeyBytes(), tuning.options().maxValueBytes());
        this.db = db;
        this.handleList = handleList;
        for (ColumnFamily cf : ColumnFamily.values()) {
            handles.put(cf, handleList.get(cf.ordinal() + 1));
        }
        this.estimator = new RocksDbRangeEstimator(db);
    }

    /** Opens (creating if needed) the engine in {@code path}. */
    public static RocksDbEngine open(Path path, RocksDbOptions options) {
        return open(path, options, List.of());
    }

    /**
     * Opens the engine with RocksDB event listeners installed. engine-titan uses this to sync its
     * blob files before RocksDB flushes a memtable whose blob indexes point into them; the caller
     * owns the listeners and closes them after the engine.
     */
    public static RocksDbEngine open(Path path, RocksDbOptions options, List<AbstractEventListener> listeners) {
        RocksDbTuning tuning = new RocksDbTuning(options);
        if (!listeners.isEmpty()) {
            tuning.dbOptions().setListeners(listeners);
        }
        try {
            Files.createDirectories(path);
            // RocksDB always has a "default" column family; ours are separate so that their names
            // are TiKV's and the RocksDB default stays empty.
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tuning.cfOptions()));
            for (ColumnFamily cf : ColumnFamily.values()) {
                descriptors.add(new ColumnFamilyDescriptor(cfName(cf), tuning.cfOptions()));
            }
            List<ColumnFamilyHandle> handleList = new ArrayList<>();
            RocksDB db = RocksDB.open(tuning.dbOptions(), path.toString(), descriptors, handleList);
            return new RocksDbEngine(path, tuning, db, handleList);
        } catch (RocksDBException e) {
            tuning.close();
            throw RocksDbErrors.translate("cannot open RocksDB at " + path, e);
        } catch (IOException e) {
            tuning.close();
            throw new EngineException(EngineException.Code.IO, "cannot create " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] cfName(ColumnFamily cf) {
        return ("kvasir." + cf.cfName()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "rocksdb";
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public EngineLimits limits() {
        return limits;
    }

    RocksDB db() {
        return db;
    }

    ColumnFamilyHandle handle(ColumnFamily cf) {
        return handles.get(cf);
    }

    static void requireCf(ColumnFamily cf) {
        if (cf == null) {
            throw EngineException.invalidArgument("column family must not be null");
        }
    }

    void checkRead(ColumnFamily cf, byte[] key) {
        requireCf(cf);
        limits.checkKey(key);
    }

    void checkIterator(ColumnFamily cf, IterOptions options) {
        requireCf(cf);
        if (options == null) {
            throw EngineException.invalidArgument("iterator options must not be null");
        }
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        checkRead(cf, key);
        gate.enter();
        try {
            return db.get(handles.get(cf), key);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("get failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions options) {
        checkIterator(cf, options);
        gate.enter();
        try {
            return new RocksDbIterator(db, handles.get(cf), options, null, gate, open);
        } finally {
            gate.exit();
        }
    }

    @Override
    public WriteBatch newWriteBatch() {
        requireOpen();
        return new RocksDbWriteBatch(this, limits, handles::get);
    }

    @Override
    public void write(WriteBatch batch, WriteOptions options) {
        if (!(batch instanceof RocksDbWriteBatch rocksBatch)) {
            throw EngineException.invalidArgument(batch == null ? "write batch must not be null" : "write batch belongs to another engine");
        }
        gate.enter();
        try {
            org.rocksdb.WriteBatch nativeBatch = rocksBatch.nativeBatchFor(this);
            if (rocksBatch.isEmpty()) {
                return;
            }
            db.write(writeOptions(options), nativeBatch);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("write failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value, WriteOptions options) {
        requireCf(cf);
        limits.checkKey(key);
        limits.checkValue(value);
        gate.enter();
        try {
            db.put(handles.get(cf), writeOptions(options), key, value);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("put failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key, WriteOptions options) {
        requireCf(cf);
        limits.checkKey(key);
        gate.enter();
        try {
            db.delete(handles.get(cf), writeOptions(options), key);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("delete failed", e);
        } finally {
            gate.exit();
        }
    }

    private org.rocksdb.WriteOptions writeOptions(WriteOptions options) {
        if (options == null) {
            throw EngineException.invalidArgument("write options must not be null");
        }
        return options.sync() ? syncWrite : asyncWrite;
    }

    @Override
    public Snapshot snapshot() {
        gate.enter();
        try {
            return new RocksDbSnapshot(this, open);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long approximateSize(KeyRange range, List<ColumnFamily> cfs) {
        long bytes = 0;
        gate.enter();
        try {
            for (ColumnFamily cf : requireCfs(range, cfs)) {
                bytes += estimator.estimate(handles.get(cf), range).bytes();
            }
            return bytes;
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("size estimate failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long approximateKeys(KeyRange range, List<ColumnFamily> cfs) {
        long keys = 0;
        gate.enter();
        try {
            for (ColumnFamily cf : requireCfs(range, cfs)) {
                keys += estimator.estimate(handles.get(cf), range).keys();
            }
            return keys;
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("key estimate failed", e);
        } finally {
            gate.exit();
        }
    }

    /**
     * RocksJava cannot sample keys from table properties (TiKV's range-properties collector is
     * C++), so split keys come from a scan of a snapshot, off the request path.
     */
    @Override
    public List<byte[]> splitKeys(KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs) {
        requireCfs(range, cfs);
        if (policy == null) {
            throw EngineException.invalidArgument("split policy must not be null");
        }
        try (Snapshot snapshot = snapshot()) {
            return RangeScans.splitKeys(snapshot, range, policy, cfs);
        }
    }

    private static List<ColumnFamily> requireCfs(KeyRange range, List<ColumnFamily> cfs) {
        if (range == null || cfs == null || cfs.stream().anyMatch(Objects::isNull)) {
            throw EngineException.invalidArgument("range and column families must not be null");
        }
        return cfs;
    }

    @Override
    public SstWriter newSstWriter(ColumnFamily cf, Path file) {
        requireCf(cf);
        if (file == null || Files.exists(file)) {
            throw EngineException.invalidArgument("SST path %s must be new", file);
        }
        requireOpen();
        return new RocksDbSstWriter(cf, file, limits, tuning.sstWriterOptions());
    }

    @Override
    public void ingest(ColumnFamily cf, List<Path> files) {
        requireCf(cf);
        if (files == null || files.isEmpty() || files.stream().anyMatch(Objects::isNull)) {
            throw EngineException.invalidArgument("ingest needs at least one file");
        }
        gate.enter();
        try {
            RocksDbIngestion.ingest(db, handles.get(cf), files, tuning);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void checkpoint(Path dir) {
        if (dir == null || Files.exists(dir)) {
            throw EngineException.invalidArgument("checkpoint directory %s must not exist yet", dir);
        }
        gate.enter();
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(dir.toString());
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("checkpoint to " + dir + " failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void flush() {
        gate.enter();
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handleList);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("flush failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public EngineStats stats() {
        gate.enter();
        try {
            return RocksDbStatsReader.read(db, handles.values(), tuning.options());
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("reading statistics failed", e);
        } finally {
            gate.exit();
        }
    }

    private void requireOpen() {
        if (gate.isClosed()) {
            throw EngineException.closed("rocksdb engine");
        }
    }

    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        for (AutoCloseable resource : new ArrayList<>(open)) {
            closeQuietly(resource);
        }
        for (ColumnFamilyHandle handle : handleList) {
            handle.close();
        }
        try {
            // Waits for background work and syncs the WAL, so a clean close loses nothing even
            // of the unsynced writes.
            db.syncWal();
            db.closeE();
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("close failed", e);
        } finally {
            syncWrite.close();
            asyncWrite.close();
            tuning.close();
        }
    }

    static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // Closing is best effort here: the engine is going away either way.
        }
    }

    @Override
    public String toString() {
        return "RocksDbEngine[" + path + "]";
    }
}
