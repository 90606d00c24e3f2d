package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.titan.LsmValue.BlobHandle;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The blob files of one engine: the foreground file that writes append to, the map readers look
 * files up in, and the obsolete files waiting for their readers to go.
 *
 * <p>Durability rules, which {@link TitanEngine} follows on every write: records are flushed to the
 * file before their indexes go to the LSM tree; before a synced LSM write, everything flushed is
 * synced; a new file's header and directory entry are synced before it gets a record; and before
 * RocksDB flushes a memtable, the foreground file is synced ({@link #syncForFlush}), so an SST file
 * never holds an index to a record that a machine crash could lose.
 */
final class BlobStore implements AutoCloseable {
    private final Path dir;
    private final long fileSizeLimit;
    private final ConcurrentSkipListMap<Long, BlobFile> files = new ConcurrentSkipListMap<>();
    private final AtomicLong nextNumber;
    private final ReaderPins pins = new ReaderPins();
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Guarded by {@link #appendLock}; created at the first append. */
    private BlobWriter foreground;
    /** The same writer, for {@link #syncForFlush}, which must not wait for the append lock. */
    private volatile BlobWriter foregroundForSync;
    /** Guarded by this. */
    private final List<BlobFile> obsolete = new ArrayList<>();
    private volatile boolean hasObsolete;
    private volatile EngineException failure;
    private volatile boolean closed;

    private BlobStore(Path dir, long fileSizeLimit, long nextNumber) {
        this.dir = dir;
        this.fileSizeLimit = fileSizeLimit;
        this.nextNumber = new AtomicLong(nextNumber);
    }

    /** Opens the blob files in {@code dir}, recovering those a crash left unsealed. */
    static BlobStore open(Path dir, long fileSizeLimit) {
        List<BlobFile> recovered = new ArrayList<>();
        long maxNumber = 0;
        try {
            Files.createDirectories(dir);
            List<Path> paths;
            try (Stream<Path> listing = Files.list(dir)) {
                paths = listing.sorted().toList();
            }
            for (Path path : paths) {
                long number = BlobFormat.parseFileName(path.getFileName().toString());
                if (number < 0) {
                    continue;
                }
                // Numbers of deleted files may be reused after a restart: no reader survives one,
                // and only unreachable old LSM versions can still mention them.
                maxNumber = Math.max(maxNumber, number);
                BlobFile file = BlobRecovery.recover(path, number);
                if (file != null) {
                    recovered.add(file);
                }
            }
            syncDirectory(dir);
        } catch (IOException e) {
            recovered.forEach(BlobFile::close);
            throw BlobFile.ioError("cannot open blob files in " + dir, e);
        } catch (RuntimeException e) {
            recovered.forEach(BlobFile::close);
            throw e;
        }
        BlobStore store = new BlobStore(dir, fileSizeLimit, maxNumber + 1);
        recovered.forEach(f -> store.files.put(f.number(), f));
        return store;
    }

    ReaderPins pins() {
        return pins;
    }

    /** The files a write batch appended to: pinned against GC until the batch is cleared or closed. */
    static final class Appends {
        private final List<BlobFile> pinned = new ArrayList<>(1);

        boolean isEmpty() {
            return pinned.isEmpty();
        }

        private void pin(BlobFile file) {
            if (pinned.isEmpty() || pinned.get(pinned.size() - 1) != file) {
                file.pinForBatch();
                pinned.add(file);
            }
        }

        void release() {
            pinned.forEach(BlobFile::unpinForBatch);
            pinned.clear();
        }
    }

    /**
     * Appends a record to the foreground file and returns its handle. The record is readable and
     * its file pinned for {@code appends} once this returns; it is written out by {@link #prepareWrite}.
     */
    BlobHandle append(ColumnFamily cf, byte[] key, byte[] value, Appends appends) {
        checkFailure();
        int size = BlobFormat.recordSize(key.length, value.length);
        appendLock.lock();
        try {
            if (closed) {
                throw EngineException.closed("titan engine");
            }
            if (foreground == null || !foreground.fits(size)) {
                if (foreground != null) {
                    foreground.seal();
                }
                foreground = newWriter();
                foregroundForSync = foreground;
            }
            appends.pin(foreground.file());
            long offset = foreground.append(cf, key, value);
            return new BlobHandle(foreground.file().number(), offset, value.length);
        } finally {
            appendLock.unlock();
        }
    }

    /** A new file, registered for readers. Also used by GC for its output. */
    BlobWriter newWriter() {
        if (closed) {
            throw EngineException.closed("titan engine");
        }
        BlobWriter writer = BlobWriter.create(dir, nextNumber.getAndIncrement(), fileSizeLimit);
        files.put(writer.file().number(), writer.file());
        return writer;
    }

    /**
     * Prepares for an LSM write: flushes staged records, and for a synced write syncs everything
     * flushed, because the LSM's synced write makes every earlier index durable too.
     */
    void prepareWrite(boolean sync) {
        checkFailure();
        BlobWriter writer;
        long target;
        appendLock.lock();
        try {
            writer = foreground;
            if (writer == null) {
                return;
            }
            writer.flush();
            target = writer.flushedPosition();
        } finally {
            appendLock.unlock();
        }
        if (sync) {
            writer.syncTo(target);
        }
    }

    /**
     * Called on RocksDB's flush thread before it writes a memtable to an SST file: every record an
     * index in that memtable points at was flushed before the index was written, so syncing what
     * the foreground file has flushed makes them all durable (older files were synced when sealed).
     */
    void syncForFlush() {
        BlobWriter writer = foregroundForSync;
        if (writer != null) {
            try {
                writer.syncTo(writer.flushedPosition());
            } catch (EngineException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** Bytes the foreground file has flushed but not synced. */
    long unsyncedBytes() {
        BlobWriter writer = foregroundForSync;
        return writer == null ? 0 : Math.max(0, writer.flushedPosition() - writer.syncedPosition());
    }

    private void checkFailure() {
        EngineException f = failure;
        if (f != null) {
            throw new EngineException(f.code(), "blob files failed to sync before a flush: " + f.getMessage(), f);
        }
    }

    /** The value behind {@code handle}; {@link BlobFile.Gone} when its file was deleted meanwhile. */
    byte[] read(BlobHandle handle, ColumnFamily cf, byte[] key) {
        BlobFile file = files.get(handle.fileNumber());
        if (file == null) {
            throw new BlobFile.Gone(handle.fileNumber());
        }
        return file.readValue(handle, cf, key);
    }

    /** Sealed files that no pending write batch still appends indexes to: what GC may rewrite. */
    List<BlobFile> gcCandidates() {
        return files.values().stream()
                .filter(f -> f.state() == BlobFile.State.SEALED && !f.pinnedByBatches())
                .toList();
    }

    /** Marks {@code file} obsolete, after GC switched every live index away from it. */
    void markObsolete(BlobFile file) {
        long epoch = pins.advance();
        file.obsolete(epoch);
        synchronized (this) {
            obsolete.add(file);
            hasObsolete = true;
        }
    }

    /** Releases a reader's pin, deleting the obsolete files it was the last to hold. */
    void release(ReaderPins.Pin pin) {
        if (pin.release() && hasObsolete && !closed) {
            purge();
        }
    }

    /** Deletes the obsolete files no open reader can need; returns their bytes. */
    synchronized long purge() {
        long oldest = pins.oldest();
        long freed = 0;
        for (Iterator<BlobFile> it = obsolete.iterator(); it.hasNext(); ) {
            BlobFile file = it.next();
            if (file.obsoleteEpoch() <= oldest) {
                files.remove(file.number());
                freed += file.size();
                file.delete();
                it.remove();
            }
        }
        hasObsolete = !obsolete.isEmpty();
        return freed;
    }

    /** Bytes of all blob files on disk, obsolete ones included. */
    long totalBytes() {
        return files.values().stream().mapToLong(BlobFile::size).sum();
    }

    int fileCount() {
        return files.size();
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    /**
     * Copies every file into {@code target} for a checkpoint: immutable files by hard link where
     * possible, active ones byte for byte (the copy is recovered like a crashed file when opened).
     * The caller holds a reader pin, so no file it may need is deleted meanwhile.
     */
    void copyTo(Path target) {
        try {
            Files.createDirectories(target);
            for (BlobFile file : files.values()) {
                Path to = target.resolve(file.path().getFileName());
                try {
                    if (file.state() != BlobFile.State.ACTIVE) {
                        try {
                            Files.createLink(to, file.path());
                            continue;
                        } catch (UnsupportedOperationException | FileSystemException e) {
                            // Another file system, or no hard links: fall through to a copy.
                        }
                    }
                    copyPrefix(file.path(), to, file.size());
                } catch (NoSuchFileException e) {
                    // Only a file obsolete before the caller's pin can vanish: the copy never needs it.
                    if (!file.isDeleted()) {
                        throw e;
                    }
                }
            }
            syncDirectory(target);
        } catch (IOException e) {
            throw BlobFile.ioError("cannot copy blob files to " + target, e);
        }
    }

    private static void copyPrefix(Path from, Path to, long length) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < length) {
                long n = in.transferTo(done, length - done, out);
                if (n <= 0) {
                    break;
                }
                done += n;
            }
            out.force(true);
        }
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Seals the foreground file and closes every file. The engine has stopped writes and GC. */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (foreground != null) {
                try {
                    foreground.seal();
                } catch (EngineException e) {
                    foreground.abandon();
                    throw e;
                }
            }
        } finally {
            appendLock.unlock();
            files.values().forEach(BlobFile::close);
        }
    }
}
