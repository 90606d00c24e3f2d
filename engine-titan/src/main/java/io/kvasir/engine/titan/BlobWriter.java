package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Appends records to one {@link BlobFile} and seals it. Not thread-safe: the store serialises
 * appends and flushes of the foreground writer under its append lock, and GC owns its writer.
 * {@link #syncTo} alone may run concurrently with appends (a flush-time sync from RocksDB's thread).
 *
 * <p>Records are staged in memory and written to the file by {@link #flush()}, which callers run
 * before any index to them reaches the LSM tree, so a process crash never leaves an index without
 * its record. Writes go through {@link RandomAccessFile} rather than a {@code FileChannel}, because
 * NIO closes a channel for good when a thread blocked in it is interrupted.
 */
final class BlobWriter {
    static final int STAGING_SIZE = 1 << 20;

    private final BlobFile file;
    private final Path path;
    private final long sizeLimit;
    private final RandomAccessFile out;
    private final byte[] staging = new byte[STAGING_SIZE];
    private final byte[] head = new byte[BlobFormat.MAX_RECORD_HEAD];
    private final Object syncLock = new Object();
    private int staged;
    private long position;
    private volatile long flushed;
    private long synced;
    private boolean closed;
    private int[] offsets = new int[256];
    private int count;

    private BlobWriter(BlobFile file, Path path, long sizeLimit, RandomAccessFile out) {
        this.file = file;
        this.path = path;
        this.sizeLimit = sizeLimit;
        this.out = out;
        this.position = BlobFormat.HEADER_SIZE;
        this.flushed = BlobFormat.HEADER_SIZE;
        this.synced = BlobFormat.HEADER_SIZE;
    }

    /**
     * Creates blob file {@code number} in {@code dir} with its header, durable (file and directory
     * entry synced) before any record can be referenced.
     */
    static BlobWriter create(Path dir, long number, long sizeLimit) {
        Path path = dir.resolve(BlobFormat.fileName(number));
        RandomAccessFile out = null;
        try {
            // CREATE_NEW through NIO, so an existing file is never overwritten; then write through RandomAccessFile.
            FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            out = new RandomAccessFile(path.toFile(), "rw");
            out.write(BlobFormat.header(number));
            out.getFD().sync();
            BlobStore.syncDirectory(dir);
            BlobFile file = new BlobFile(number, path, BlobFile.State.ACTIVE, BlobFormat.HEADER_SIZE);
            return new BlobWriter(file, path, sizeLimit, out);
        } catch (IOException e) {
            closeQuietly(out);
            throw BlobFile.ioError("cannot create blob file " + path, e);
        }
    }

    BlobFile file() {
        return file;
    }

    /** Whether a record of {@code recordSize} bytes belongs in this file: it does when the file is empty. */
    boolean fits(long recordSize) {
        return count == 0 || position + recordSize <= sizeLimit;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Stages one record and returns its offset; it is readable once {@link #flush()}ed. */
    long append(ColumnFamily cf, byte[] key, byte[] value) {
        int headLength = BlobFormat.encodeHead(head, cf, key, value);
        int total = headLength + key.length + value.length;
        long offset = position;
        try {
            if (staged + total > staging.length) {
                flush();
            }
            if (total <= staging.length) {
                System.arraycopy(head, 0, staging, staged, headLength);
                System.arraycopy(key, 0, staging, staged + headLength, key.length);
                System.arraycopy(value, 0, staging, staged + headLength + key.length, value.length);
                staged += total;
            } else {
                out.write(head, 0, headLength);
                out.write(key);
                out.write(value);
                flushed += total;
                file.grewTo(flushed);
            }
        } catch (IOException e) {
            throw BlobFile.ioError("cannot append to blob file " + path, e);
        }
        position += total;
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = (int) offset;
        return offset;
    }

    /** Writes staged records to the file (not yet durable against a machine crash). */
    void flush() {
        if (staged == 0) {
            return;
        }
        try {
            out.write(staging, 0, staged);
        } catch (IOException e) {
            throw BlobFile.ioError("cannot write blob file " + path, e);
        }
        flushed += staged;
        staged = 0;
        file.grewTo(flushed);
    }

    long flushedPosition() {
        return flushed;
    }

    long syncedPosition() {
        synchronized (syncLock) {
            return synced;
        }
    }

    /**
     * Makes everything flushed up to {@code target} durable. Concurrent callers share one fsync
     * (group commit): a caller whose bytes a sync already covered returns at once.
     */
    void syncTo(long target) {
        synchronized (syncLock) {
            if (closed || synced >= target) {
                return;
            }
            long covered = flushed;
            try {
                out.getFD().sync();
            } catch (IOException e) {
                throw BlobFile.ioError("cannot sync blob file " + path, e);
            }
            synced = covered;
        }
    }

    /** Flushes and syncs everything appended so far. */
    void sync() {
        flush();
        syncTo(flushed);
    }

    /** Writes the record table and trailer, syncs, and marks the file sealed. */
    void seal() {
        flush();
        long tableOffset = flushed;
        byte[] table = new byte[4 * count];
        for (int i = 0; i < count; i++) {
            BlobFormat.putInt(table, 4 * i, offsets[i]);
        }
        long fileSize = tableOffset + table.length + BlobFormat.TRAILER_SIZE;
        synchronized (syncLock) {
            try {
                out.write(table);
                out.write(BlobFormat.trailer(count, tableOffset));
                out.getFD().sync();
                out.close();
            } catch (IOException e) {
                throw BlobFile.ioError("cannot seal blob file " + path, e);
            }
            closed = true;
            synced = fileSize;
        }
        file.sealed(count, tableOffset, fileSize);
    }

    /** Closes without sealing, after an error: recovery will scan and seal the file on the next open. */
    void abandon() {
        synchronized (syncLock) {
            closed = true;
            closeQuietly(out);
        }
    }

    private static void closeQuietly(RandomAccessFile file) {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            // Already failing; the original error is the one to report.
        }
    }
}
