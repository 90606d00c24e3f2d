package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.DirectoryLock;
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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.lmdbjava.CopyFlags;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KvEngine} over one LMDB environment holding one named database per column family.
 *
 * <p>Environment flags: {@code MDB_NOTLS}, because snapshots and iterators are read transactions
 * that outlive the call that made them, may be closed by another thread and may be several per
 * thread; {@code MDB_NOMETASYNC}, so that a commit flushes its data pages but defers the meta
 * page (it survives a process crash; a machine crash may undo it but never corrupts the file), and
 * a batch written with {@link WriteOptions#SYNC} is followed by an explicit {@code env.sync(true)}
 * (it survives a machine crash too). Not {@code MDB_NOSYNC}: without the data flush the meta page
 * can reach the disk before the pages it points to, and a power loss corrupts the database.
 *
 * <p>Every call that touches native memory runs inside {@link #gate}: short calls for their
 * duration, snapshots and iterators for their life. The gate is what makes map growth
 * ({@link MapGrowth}) and {@link #close()} safe: neither frees or remaps memory a call is using.
 * Close first closes every snapshot and iterator still open (they hold the gate), then waits for
 * calls in flight, then frees the environment.
 */
public final class LmdbEngine implements KvEngine {
    static final String NAME = "lmdb";
    private static final Logger LOG = LoggerFactory.getLogger(LmdbEngine.class);
    private static final String DATA_FILE = "data.mdb";
    private static final int READ_TXN_POOL = 16;

    private final Path path;
    private final Env<ByteBuffer> env;
    private final DirectoryLock lock;
    private final List<Dbi<ByteBuffer>> dbis;
    private final LmdbKeys keys;
    private final EngineLimits limits;
    private final LifecycleGate gate = new LifecycleGate("lmdb engine");
    private final ReadTxnPool readTxns;
    private final MapGrowth growth;
    private final TxnWriter writer;
    private final WriteTxns writeTxns;
    /** Snapshots and engine iterators not yet closed; guarded by itself. */
    private final Set<AutoCloseable> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closing;

    private LmdbEngine(Path path, Env<ByteBuffer> env, LmdbOptions options, DirectoryLock lock) {
        this.path = path;
        this.lock = lock;
        this.env = env;
        List<Dbi<ByteBuffer>> opened = new ArrayList<>();
        for (ColumnFamily cf : ColumnFamily.values()) {
            opened.add(env.openDbi(cf.cfName(), DbiFlags.MDB_CREATE));
        }
        this.dbis = List.copyOf(opened);
        this.keys = new LmdbKeys(env.getMaxKeySize());
        this.limits = new EngineLimits(keys.maxKeySize(), options.maxValueSize());
        this.readTxns = new ReadTxnPool(env, Math.min(READ_TXN_POOL, Math.max(1, options.maxReaders() / 8)));
        this.growth = new MapGrowth(env, gate, options, readTxns::drain);
        this.writer = new TxnWriter(dbis, keys);
        this.writeTxns = new WriteTxns(env, gate, growth);
    }

    /** Opens (creating if needed) the engine stored in {@code dir}. */
    public static LmdbEngine open(Path dir, LmdbOptions options) {
        if (dir == null || options == null) {
            throw EngineException.invalidArgument("engine directory and options must not be null");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot create engine directory " + dir + ": " + e,
                    new UncheckedIOException(e));
        }
        DirectoryLock lock = DirectoryLock.acquire(dir);
        Env<ByteBuffer> env;
        try {
            env = openEnv(dir, options);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            LmdbEngine engine = new LmdbEngine(dir, env, options, lock);
            long mapSize = env.info().mapSize;
            LOG.debug("opened LMDB engine in {} with a map of {} bytes", dir, mapSize);
            // Reopened data larger than lmdb.map-size leaves the map just as big as the data file,
            // so the first write would fill it: grow now, while nothing is open.
            engine.growth.growIfIdle(mapSize);
            return engine;
        } catch (RuntimeException e) {
            env.close();
            lock.close();
            throw LmdbErrors.wrap("opening the LMDB engine in " + dir, e);
        }
    }

    /**
     * lmdbjava finds its native library through the thread context class loader; inside OSGi
     * that is not the bundle holding lmdbjava and the native jar, so it is set to that bundle's
     * loader for the first use of the library (PLATFORM-NOTES §3, fix 3). Outside OSGi this is
     * the application class loader anyway.
     */
    private static Env<ByteBuffer> openEnv(Path dir, LmdbOptions options) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Env.class.getClassLoader());
        try {
            return Env.create()
                    .setMapSize(options.mapSize())
                    .setMaxDbs(ColumnFamily.values().length)
                    .setMaxReaders(options.maxReaders())
                    .open(dir.toFile(), envFlags());
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("opening the LMDB environment in " + dir, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The environment flags the engine opens LMDB with (see the class comment). Public so that a
     * raw-lmdbjava benchmark baseline can use exactly the same ones.
     */
    public static EnvFlags[] envFlags() {
        return new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOMETASYNC};
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public EngineLimits limits() {
        return limits;
    }

    // ---- reads

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        checkPointRead(cf, key);
        gate.enter();
        try {
            Txn<ByteBuffer> txn = readTxns.acquire();
            try {
                ByteBuffer value = dbi(cf).get(txn, keys.encode(key));
                return value == null ? null : LmdbKeys.copy(value);
            } finally {
                readTxns.release(txn);
            }
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("get", e);
        } finally {
            gate.exit();
        }
    }

    /** An iterator in its own read transaction, which it holds (and the gate) until closed. */
    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions options) {
        checkIterator(cf, options);
        gate.enter();
        Txn<ByteBuffer> txn = null;
        Cursor<ByteBuffer> cursor = null;
        try {
            // A pooled transaction: renewing a reset one is much cheaper than beginning one, and
            // short scans are common. It goes back to the pool while the iterator still holds the gate.
            txn = readTxns.acquire();
            cursor = dbi(cf).openCursor(txn);
            Txn<ByteBuffer> owned = txn;
            LmdbIterator it = new LmdbIterator(cursor, options, keys, self -> {
                readTxns.release(owned);
                release(self);
            });
            track(it);
            return it;
        } catch (RuntimeException e) {
            if (cursor != null) {
                cursor.close();
            }
            if (txn != null) {
                txn.close();
            }
            gate.exit();
            throw LmdbErrors.wrap("new iterator", e);
        }
    }

    /** A read transaction, which the snapshot holds (and the gate) until closed. */
    @Override
    public Snapshot snapshot() {
        gate.enter();
        Txn<ByteBuffer> txn = null;
        try {
            txn = env.txnRead();
            LmdbSnapshot snapshot = new LmdbSnapshot(this, txn);
            track(snapshot);
            return snapshot;
        } catch (RuntimeException e) {
            if (txn != null) {
                txn.close();
            }
            gate.exit();
            throw LmdbErrors.wrap("snapshot", e);
        }
    }

    // ---- writes

    @Override
    public WriteBatch newWriteBatch() {
        ensureOpen();
        return new LmdbWriteBatch(this, limits);
    }

    @Override
    public void write(WriteBatch batch, WriteOptions options) {
        if (batch == null || options == null) {
            throw EngineException.invalidArgument("batch and write options must not be null");
        }
        if (!(batch instanceof LmdbWriteBatch lmdbBatch) || !lmdbBatch.belongsTo(this)) {
            throw EngineException.invalidArgument("write batch was made by another engine");
        }
        lmdbBatch.checkOpen();
        if (lmdbBatch.isEmpty()) {
            ensureOpen();
            return;
        }
        writeTxns.run("write batch", options.sync(), txn -> lmdbBatch.applyTo(txn, writer));
    }

    /** One write transaction, no batch object. */
    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value, WriteOptions options) {
        requireCf(cf);
        limits.checkKey(key);
        limits.checkValue(value);
        requireOptions(options);
        writeTxns.run("put", options.sync(), txn -> writer.put(txn, cf, key, value));
    }

    /** One write transaction, no batch object. */
    @Override
    public void delete(ColumnFamily cf, byte[] key, WriteOptions options) {
        requireCf(cf);
        limits.checkKey(key);
        requireOptions(options);
        writeTxns.run("delete", options.sync(), txn -> writer.delete(txn, cf, key));
    }

    // ---- range properties (LMDB keeps no size metadata: these count exactly)

    @Override
    public long approximateSize(KeyRange range, List<ColumnFamily> cfs) {
        checkRange(range, cfs);
        return RangeScans.totals(this, range, cfs).bytes();
    }

    @Override
    public long approximateKeys(KeyRange range, List<ColumnFamily> cfs) {
        checkRange(range, cfs);
        return RangeScans.totals(this, range, cfs).keys();
    }

    /** Scans a snapshot, so both passes of the scan see the same data. */
    @Override
    public List<byte[]> splitKeys(KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs) {
        checkRange(range, cfs);
        if (policy == null) {
            throw EngineException.invalidArgument("split policy must not be null");
        }
        try (Snapshot snapshot = snapshot()) {
            return RangeScans.splitKeys(snapshot, range, policy, cfs);
        }
    }

    // ---- sorted files

    @Override
    public SstWriter newSstWriter(ColumnFamily cf, Path file) {
        requireCf(cf);
        if (file == null) {
            throw EngineException.invalidArgument("sorted file path must not be null");
        }
        ensureOpen();
        if (Files.exists(file)) {
            throw EngineException.invalidArgument("sorted file %s already exists", file);
        }
        return new LmdbSstWriter(cf, file, limits);
    }

    /** Checks every file whole and that they are disjoint, then applies all of them in one write transaction. */
    @Override
    public void ingest(ColumnFamily cf, List<Path> files) {
        requireCf(cf);
        if (files == null) {
            throw EngineException.invalidArgument("sorted file list must not be null");
        }
        ensureOpen();
        List<LmdbSortedFile.Checked> checked = LmdbSortedFile.checkAll(files, limits);
        if (checked.isEmpty()) {
            return;
        }
        writeTxns.run("ingest", true, txn -> {
            for (LmdbSortedFile.Checked file : checked) {
                LmdbSortedFile.read(file, (key, value) -> {
                    if (value == null) {
                        writer.delete(txn, cf, key);
                    } else {
                        writer.put(txn, cf, key, value);
                    }
                });
            }
        });
    }

    // ---- checkpoints, flush, stats

    /** A compacting copy ({@code MDB_CP_COMPACT}) of the environment, taken from a read transaction. */
    @Override
    public void checkpoint(Path dir) {
        if (dir == null) {
            throw EngineException.invalidArgument("checkpoint directory must not be null");
        }
        ensureOpen();
        if (Files.exists(dir)) {
            throw EngineException.invalidArgument("checkpoint directory %s already exists", dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot create checkpoint directory " + dir + ": " + e,
                    new UncheckedIOException(e));
        }
        gate.enter();
        try {
            env.copy(dir.toFile(), CopyFlags.MDB_CP_COMPACT);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw LmdbErrors.wrap("checkpoint", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void flush() {
        gate.enter();
        try {
            env.sync(true);
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("flush", e);
        } finally {
            gate.exit();
        }
    }

    /** Bytes from the data file, keys from LMDB's per-database entry counts; LMDB has no compaction or memtables. */
    @Override
    public EngineStats stats() {
        long keyCount = 0;
        gate.enter();
        try {
            Txn<ByteBuffer> txn = readTxns.acquire();
            try {
                for (Dbi<ByteBuffer> dbi : dbis) {
                    keyCount += dbi.stat(txn).entries;
                }
            } finally {
                readTxns.release(txn);
            }
        } catch (RuntimeException e) {
            throw LmdbErrors.wrap("stats", e);
        } finally {
            gate.exit();
        }
        long bytes;
        try {
            bytes = Files.size(path.resolve(DATA_FILE));
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot read the size of " + path.resolve(DATA_FILE) + ": " + e,
                    new UncheckedIOException(e));
        }
        long na = EngineStats.NOT_APPLICABLE;
        return new EngineStats(bytes, keyCount, na, na, na, na, na, na, na, na, na, na, na);
    }

    /** How often the map has grown since the engine opened (for tests and metrics). */
    long mapGrowths() {
        return growth.growths();
    }

    /** Writes waiting for open snapshots and iterators to close so that the map can grow (for tests and metrics). */
    int writersWaitingToGrow() {
        return growth.writersWaiting();
    }

    /** The current size of the memory map (for tests and metrics). */
    long mapSize() {
        gate.enter();
        try {
            return growth.mapSize();
        } finally {
            gate.exit();
        }
    }

    // ---- lifecycle

    /**
     * Closes snapshots and iterators still open, waits for calls in flight, then frees the
     * environment. Idempotent; a second concurrent caller may return before the first is done.
     */
    @Override
    public void close() {
        List<AutoCloseable> leftOpen;
        synchronized (open) {
            closing = true;
            leftOpen = new ArrayList<>(open);
        }
        for (AutoCloseable resource : leftOpen) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing an LMDB snapshot or iterator failed while closing the engine: {}", e.toString());
            }
        }
        if (gate.close()) {
            growth.freeEnv(() -> {
                readTxns.drain();
                env.close();
            });
            lock.close();
            LOG.debug("closed LMDB engine in {}", path);
        }
    }

    /** Registers a snapshot or engine iterator, or undoes its creation if the engine is closing. */
    private void track(AutoCloseable resource) {
        synchronized (open) {
            if (!closing) {
                open.add(resource);
                return;
            }
        }
        throw EngineException.closed("lmdb engine");
    }

    /** Called once by a closing snapshot or engine iterator, after it freed its transaction. */
    void release(AutoCloseable resource) {
        synchronized (open) {
            open.remove(resource);
        }
        gate.exit();
    }

    /** Fails with CLOSED once the engine is closed. */
    private void ensureOpen() {
        gate.enter();
        gate.exit();
    }

    // ---- shared with snapshots and batches

    Dbi<ByteBuffer> dbi(ColumnFamily cf) {
        return dbis.get(cf.ordinal());
    }

    LmdbKeys keys() {
        return keys;
    }

    void checkPointRead(ColumnFamily cf, byte[] key) {
        requireCf(cf);
        limits.checkKey(key);
    }

    void checkIterator(ColumnFamily cf, IterOptions options) {
        requireCf(cf);
        if (options == null) {
            throw EngineException.invalidArgument("iterator options must not be null");
        }
        if (options.lowerBound() != null) {
            limits.checkBound(options.lowerBound());
        }
        if (options.upperBound() != null) {
            limits.checkBound(options.upperBound());
        }
    }

    static void requireCf(ColumnFamily cf) {
        if (cf == null) {
            throw EngineException.invalidArgument("column family must not be null");
        }
    }

    private static void requireOptions(WriteOptions options) {
        if (options == null) {
            throw EngineException.invalidArgument("write options must not be null");
        }
    }

    private static void checkRange(KeyRange range, List<ColumnFamily> cfs) {
        if (range == null || cfs == null) {
            throw EngineException.invalidArgument("range and column families must not be null");
        }
        for (ColumnFamily cf : cfs) {
            requireCf(cf);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the failed checkpoint in {}: {}", dir, e.toString());
        }
    }
}
