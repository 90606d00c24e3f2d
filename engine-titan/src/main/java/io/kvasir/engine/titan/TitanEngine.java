package io.kvasir.engine.titan;

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
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SplitPolicy;
import io.kvasir.engine.api.SstWriter;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.titan.LsmValue.BlobHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The engine API over an LSM engine (engine-rocksdb's, in {@code <dir>/lsm}) that holds keys, small
 * values and blob indexes, and blob files (in {@code <dir>/blobs}) that hold values of at least
 * {@link TitanOptions#minBlobSize()} bytes, as TiKV's Titan does. Reads, iterators, snapshots and
 * batches behave as the LSM engine's; values are resolved through their index on the way out.
 *
 * <p>Locks: writers share {@link #indexLock} while they write to the LSM engine, and GC holds it
 * alone while it checks that indexes still point at the records it moved and switches them
 * (Titan does this check in a RocksDB write callback, which RocksJava lacks). The
 * {@link LifecycleGate} makes {@link #close()} wait for calls in flight, as in the other engines.
 */
public final class TitanEngine implements KvEngine {
    static final String NAME = "titan";
    /** A point read retries this often when GC moves its value between reading the index and the record. */
    private static final int GET_ATTEMPTS = 16;

    private final Path path;
    private final TitanOptions options;
    private final DirectoryLock lock;
    private final KvEngine lsm;
    private final BlobStore blobs;
    private final SyncBlobsBeforeFlush flushListener;
    private final EngineLimits limits;
    private final LifecycleGate gate = new LifecycleGate("titan engine");
    private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock();
    private final ReentrantLock gcRunLock = new ReentrantLock();
    private final BlobGc gc;
    private final BackgroundGc background;
    private final AtomicLong ingestIds = new AtomicLong();
    private final Mutations mutations = new Mutations();

    private TitanEngine(Path path, TitanOptions options, DirectoryLock lock, KvEngine lsm, BlobStore blobs,
                        SyncBlobsBeforeFlush flushListener) {
        this.path = path;
        this.options = options;
        this.lock = lock;
        this.lsm = lsm;
        this.blobs = blobs;
        this.flushListener = flushListener;
        this.limits = lsm.limits();
        this.gc = new BlobGc(lsm, blobs, indexLock, gate, options, mutations);
        this.background = new BackgroundGc(this, options.gcInterval(), mutations);
    }

    /** Opens (creating if needed) the engine in {@code path}. */
    public static TitanEngine open(Path path, TitanOptions options) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot create " + path + ": " + e.getMessage(), e);
        }
        // Before anything is touched: recovery rewrites blob files, which a second open must never do.
        DirectoryLock lock = DirectoryLock.acquire(path);
        BlobStore blobs = null;
        SyncBlobsBeforeFlush listener = null;
        try {
            TitanIngestion.clearLeftovers(path);
            blobs = BlobStore.open(path.resolve("blobs"), options.blobFileSize());
            listener = new SyncBlobsBeforeFlush(blobs);
            KvEngine lsm = RocksDbEngine.open(path.resolve("lsm"), options.lsm(), List.of(listener));
            TitanEngine engine = new TitanEngine(path, options, lock, lsm, blobs, listener);
            engine.background.start();
            return engine;
        } catch (RuntimeException e) {
            if (blobs != null) {
                blobs.close();
            }
            if (listener != null) {
                listener.close();
            }
            lock.close();
            throw e;
        }
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

    public TitanOptions options() {
        return options;
    }

    BlobStore blobs() {
        return blobs;
    }

    int minBlobSize() {
        return options.minBlobSize();
    }

    KvEngine lsm() {
        return lsm;
    }

    /** Test hook: called at the points of a GC run named by {@link GcObserver.Point}. */
    void gcObserver(GcObserver observer) {
        gc.observer(observer);
    }

    void checkPut(ColumnFamily cf, byte[] key, byte[] value) {
        if (cf == null) {
            throw EngineException.invalidArgument("column family must not be null");
        }
        limits.checkKey(key);
        limits.checkValue(value);
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        gate.enter();
        try {
            for (int attempt = 1; ; attempt++) {
                byte[] raw = lsm.get(cf, key);
                if (raw == null) {
                    return null;
                }
                if (!LsmValue.isBlob(raw)) {
                    return LsmValue.inlineValue(raw);
                }
                try {
                    return blobs.read(LsmValue.decode(raw), cf, key);
                } catch (BlobFile.Gone e) {
                    // GC moved the value and deleted its old file after the index was read: the
                    // index now points at the new place. A file that never existed fails every time.
                    if (attempt == GET_ATTEMPTS) {
                        throw EngineException.corruption("blob file %d, which an index points into, is missing", LsmValue.decode(raw).fileNumber());
                    }
                }
            }
        } finally {
            gate.exit();
        }
    }

    /** The value behind a blob index seen by a pinned reader (snapshot or iterator), whose files cannot go. */
    byte[] readPinned(ColumnFamily cf, byte[] key, byte[] raw) {
        gate.enter();
        try {
            BlobHandle handle = LsmValue.decode(raw);
            try {
                return blobs.read(handle, cf, key);
            } catch (BlobFile.Gone e) {
                throw EngineException.corruption("blob file %d, which an index points into, is missing", handle.fileNumber());
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions iterOptions) {
        gate.enter();
        try {
            ReaderPins.Pin pin = blobs.pins().pin();
            try {
                return new TitanIterator(this, cf, lsm.newIterator(cf, iterOptions), pin);
            } catch (RuntimeException e) {
                blobs.release(pin);
                throw e;
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public Snapshot snapshot() {
        gate.enter();
        try {
            ReaderPins.Pin pin = blobs.pins().pin();
            try {
                return new TitanSnapshot(this, lsm.snapshot(), pin);
            } catch (RuntimeException e) {
                blobs.release(pin);
                throw e;
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public WriteBatch newWriteBatch() {
        requireOpen();
        return new TitanWriteBatch(this, lsm.newWriteBatch());
    }

    @Override
    public void write(WriteBatch batch, WriteOptions writeOptions) {
        if (!(batch instanceof TitanWriteBatch titanBatch)) {
            throw EngineException.invalidArgument(batch == null ? "write batch must not be null" : "write batch belongs to another engine");
        }
        requireOptions(writeOptions);
        gate.enter();
        try {
            WriteBatch lsmBatch = titanBatch.lsmBatchFor(this);
            if (lsmBatch.isEmpty()) {
                return;
            }
            if (writeOptions.sync() || titanBatch.hasBlobs()) {
                blobs.prepareWrite(writeOptions.sync());
            }
            writeIndexes(lsmBatch.count(), titanBatch.hasRangeDeletes(), () -> lsm.write(lsmBatch, writeOptions));
        } finally {
            gate.exit();
        }
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value, WriteOptions writeOptions) {
        checkPut(cf, key, value);
        requireOptions(writeOptions);
        gate.enter();
        try {
            if (value.length < options.minBlobSize()) {
                if (writeOptions.sync()) {
                    blobs.prepareWrite(true);
                }
                writeIndexes(1, false, () -> lsm.put(cf, key, LsmValue.inline(value), writeOptions));
                return;
            }
            BlobStore.Appends appends = new BlobStore.Appends();
            try {
                byte[] index = blobs.append(cf, key, value, appends).encode();
                blobs.prepareWrite(writeOptions.sync());
                writeIndexes(1, false, () -> lsm.put(cf, key, index, writeOptions));
            } finally {
                appends.release();
            }
        } finally {
            gate.exit();
        }
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key, WriteOptions writeOptions) {
        requireOptions(writeOptions);
        gate.enter();
        try {
            if (writeOptions.sync()) {
                blobs.prepareWrite(true);
            }
            writeIndexes(1, false, () -> lsm.delete(cf, key, writeOptions));
        } finally {
            gate.exit();
        }
    }

    /**
     * Runs an LSM write that GC's index switch must not interleave with, and counts its
     * {@code operations} for GC's estimates.
     */
    void writeIndexes(long operations, boolean rangeDelete, Runnable write) {
        indexLock.readLock().lock();
        try {
            write.run();
        } finally {
            indexLock.readLock().unlock();
        }
        mutations.record(operations, rangeDelete);
    }

    private static void requireOptions(WriteOptions writeOptions) {
        if (writeOptions == null) {
            throw EngineException.invalidArgument("write options must not be null");
        }
    }

    /**
     * The LSM engine's estimate plus the blob values in the range. The blob part is counted from
     * the indexes (linear in the range's keys, like LMDB's exact counts), and only once blob files
     * exist, so a store of small values pays nothing extra.
     */
    @Override
    public long approximateSize(KeyRange range, List<ColumnFamily> cfs) {
        gate.enter();
        try {
            long size = lsm.approximateSize(range, cfs);
            return blobs.isEmpty() ? size : size + BlobAwareSizes.blobBytes(lsm, range, cfs);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long approximateKeys(KeyRange range, List<ColumnFamily> cfs) {
        return lsm.approximateKeys(range, cfs);
    }

    /** Split keys from a scan of the LSM tree that sizes blob values by their index, never reading them. */
    @Override
    public List<byte[]> splitKeys(KeyRange range, SplitPolicy policy, List<ColumnFamily> cfs) {
        if (range == null || policy == null || cfs == null || cfs.stream().anyMatch(Objects::isNull)) {
            throw EngineException.invalidArgument("range, split policy and column families must not be null");
        }
        gate.enter();
        try (Snapshot snapshot = lsm.snapshot()) {
            return BlobAwareSizes.splitKeys(snapshot, range, policy, cfs);
        } finally {
            gate.exit();
        }
    }

    @Override
    public SstWriter newSstWriter(ColumnFamily cf, Path file) {
        if (cf == null) {
            throw EngineException.invalidArgument("column family must not be null");
        }
        if (file == null || Files.exists(file)) {
            throw EngineException.invalidArgument("SST path %s must be new", file);
        }
        requireOpen();
        return new TitanSstWriter(cf, file, limits);
    }

    @Override
    public void ingest(ColumnFamily cf, List<Path> files) {
        if (cf == null) {
            throw EngineException.invalidArgument("column family must not be null");
        }
        if (files == null || files.isEmpty() || files.stream().anyMatch(Objects::isNull)) {
            throw EngineException.invalidArgument("ingest needs at least one file");
        }
        gate.enter();
        try {
            new TitanIngestion(this, path, ingestIds).ingest(cf, files);
        } finally {
            gate.exit();
        }
    }

    /** The LSM tree's checkpoint plus the blob files, which a reader pin keeps in place meanwhile. */
    @Override
    public void checkpoint(Path dir) {
        if (dir == null || Files.exists(dir)) {
            throw EngineException.invalidArgument("checkpoint directory %s must not exist yet", dir);
        }
        gate.enter();
        ReaderPins.Pin pin = blobs.pins().pin();
        try {
            Files.createDirectories(dir);
            lsm.checkpoint(dir.resolve("lsm"));
            // After the LSM checkpoint: every record its indexes point at was flushed before.
            blobs.copyTo(dir.resolve("blobs"));
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot create checkpoint " + dir + ": " + e.getMessage(), e);
        } finally {
            blobs.release(pin);
            gate.exit();
        }
    }

    @Override
    public void flush() {
        gate.enter();
        try {
            blobs.prepareWrite(true);
            lsm.flush();
        } finally {
            gate.exit();
        }
    }

    /** The LSM engine's figures, with the blob files counted in the bytes on disk. */
    @Override
    public EngineStats stats() {
        gate.enter();
        try {
            EngineStats s = lsm.stats();
            return new EngineStats(s.totalBytes() + blobs.totalBytes(), s.estimatedKeys(), s.pendingCompactionBytes(),
                    s.pendingCompactionSoftLimit(), s.pendingCompactionHardLimit(), s.level0Files(), s.level0CompactionTrigger(),
                    s.level0SlowdownTrigger(), s.level0StopTrigger(), s.immutableMemtables(), s.maxWriteBuffers(), s.memtableBytes(), s.runningCompactions());
        } finally {
            gate.exit();
        }
    }

    /** Bytes of blob files on disk, obsolete ones waiting for readers included. */
    public long blobBytes() {
        return blobs.totalBytes();
    }

    /**
     * Runs one round of blob GC now: samples every sealed blob file, rewrites those with enough
     * garbage, and deletes the files no reader needs any more. Rounds do not overlap; reads and
     * writes continue meanwhile.
     */
    public GcReport gc() {
        gcRunLock.lock();
        try {
            return gc.run(background::stopping);
        } finally {
            gcRunLock.unlock();
        }
    }

    private void requireOpen() {
        if (gate.isClosed()) {
            throw EngineException.closed("titan engine");
        }
    }

    /** Stops GC, then closes the LSM engine (and what it handed out) and the blob files. Idempotent. */
    @Override
    public void close() {
        background.stop();
        if (!gate.close()) {
            return;
        }
        try {
            lsm.close();
        } finally {
            try {
                blobs.close();
            } finally {
                flushListener.close();
                lock.close();
            }
        }
    }

    @Override
    public String toString() {
        return "TitanEngine[" + path + "]";
    }
}
