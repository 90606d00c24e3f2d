package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.titan.LsmValue.BlobHandle;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * One blob file as readers see it: its number, its state, and a channel for positional reads.
 *
 * <p>States: {@code ACTIVE} (a {@link BlobWriter} appends to it) → {@code SEALED} (immutable, a GC
 * candidate) → {@code OBSOLETE} (GC moved its live records away; kept until no reader that might
 * still need it is open) → deleted. Only {@link BlobStore} changes the state.
 *
 * <p>A deleted file's channel is closed; a read that races the deletion fails with {@link Gone},
 * and the caller re-reads the key's index, which by then points elsewhere. A channel closed because
 * a reading thread was interrupted (NIO closes the channel for every thread) is reopened.
 */
final class BlobFile {
    /** Reads go in pieces of at most this size, which bounds the JDK's temporary direct buffers. */
    private static final int READ_CHUNK = 1 << 20;
    /** From this size up, a value is read into its own array rather than copied out of the record's. */
    private static final int DIRECT_VALUE_READ = 8 << 10;

    enum State { ACTIVE, SEALED, OBSOLETE }

    /** The file was deleted under a reader; re-read the index. Cheap: no stack trace. */
    static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Gone(long number) {
            super("blob file " + number + " was deleted", null, false, false);
        }
    }

    private final long number;
    private final Path path;
    private final Object channelLock = new Object();
    private volatile FileChannel channel;
    private volatile boolean deleted;
    private volatile State state;
    private volatile long size;
    private volatile long recordCount;
    private volatile long tableOffset;
    /** Write batches that appended records here and may still write indexes to them. */
    private final AtomicInteger batchPins = new AtomicInteger();
    /** The reader epoch after which no reader can need this file; set when it becomes obsolete. */
    private volatile long obsoleteEpoch;

    BlobFile(long number, Path path, State state, long size) {
        this.number = number;
        this.path = path;
        this.state = state;
        this.size = size;
        this.channel = openChannel(path);
    }

    private static FileChannel openChannel(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw ioError("cannot open blob file " + path, e);
        }
    }

    long number() {
        return number;
    }

    Path path() {
        return path;
    }

    State state() {
        return state;
    }

    /** Bytes readers may read: everything flushed, for an active file; the whole file otherwise. */
    long size() {
        return size;
    }

    long recordCount() {
        return recordCount;
    }

    long obsoleteEpoch() {
        return obsoleteEpoch;
    }

    void grewTo(long flushed) {
        size = flushed;
    }

    void sealed(long count, long table, long fileSize) {
        recordCount = count;
        tableOffset = table;
        size = fileSize;
        state = State.SEALED;
    }

    void obsolete(long epoch) {
        obsoleteEpoch = epoch;
        state = State.OBSOLETE;
    }

    void pinForBatch() {
        batchPins.incrementAndGet();
    }

    void unpinForBatch() {
        batchPins.decrementAndGet();
    }

    boolean pinnedByBatches() {
        return batchPins.get() > 0;
    }

    /** Where the records start and end, for a sealed file. */
    long recordsEnd() {
        return state == State.ACTIVE ? size : tableOffset;
    }

    /**
     * Reads the value {@code handle} points at, checking that the record is whole (CRC32C), belongs
     * to {@code key} in {@code cf}, and has the length the index says.
     */
    byte[] readValue(BlobHandle handle, ColumnFamily cf, byte[] key) {
        if (handle.valueLength() >= DIRECT_VALUE_READ) {
            return readLargeValue(handle, cf, key);
        }
        int length = handle.recordSize(key.length);
        byte[] record = new byte[length];
        readFully(record, handle.offset());
        BlobFormat.Head head = BlobFormat.parseHead(record, 0, length, length);
        if (head == null || head.cf() != cf || head.keyLength() != key.length || head.valueLength() != handle.valueLength()) {
            throw BlobFormat.corrupt(number, "the record at offset " + handle.offset() + " does not match its index");
        }
        if (!BlobFormat.crcMatches(record, 0, head)) {
            throw BlobFormat.corrupt(number, "checksum mismatch in the record at offset " + handle.offset());
        }
        int keyStart = head.headLength();
        if (!Arrays.equals(record, keyStart, keyStart + key.length, key, 0, key.length)) {
            throw BlobFormat.corrupt(number, "the record at offset " + handle.offset() + " holds another key");
        }
        return Arrays.copyOfRange(record, keyStart + key.length, length);
    }

    /**
     * A large value is read straight into the array returned, and its head and key separately:
     * one more system call, one copy of the value less.
     */
    private byte[] readLargeValue(BlobHandle handle, ColumnFamily cf, byte[] key) {
        int headLength = BlobFormat.headSize(key.length, handle.valueLength());
        byte[] headAndKey = new byte[headLength + key.length];
        readFully(headAndKey, handle.offset());
        BlobFormat.Head head = BlobFormat.parseHead(headAndKey, 0, headLength, handle.recordSize(key.length));
        if (head == null || head.cf() != cf || head.keyLength() != key.length || head.valueLength() != handle.valueLength()
                || head.headLength() != headLength) {
            throw BlobFormat.corrupt(number, "the record at offset " + handle.offset() + " does not match its index");
        }
        if (!Arrays.equals(headAndKey, headLength, headAndKey.length, key, 0, key.length)) {
            throw BlobFormat.corrupt(number, "the record at offset " + handle.offset() + " holds another key");
        }
        byte[] value = new byte[handle.valueLength()];
        readFully(value, handle.offset() + headAndKey.length);
        CRC32C crc = new CRC32C();
        crc.update(headAndKey, 4, headAndKey.length - 4);
        crc.update(value);
        if ((int) crc.getValue() != head.crc()) {
            throw BlobFormat.corrupt(number, "checksum mismatch in the record at offset " + handle.offset());
        }
        return value;
    }

    /** A record's column family and key, read without its value or checksum: for GC's sampling. */
    record KeyAt(ColumnFamily cf, byte[] key, int recordSize) {
    }

    KeyAt readKeyAt(long offset) {
        byte[] head = new byte[(int) Math.min(BlobFormat.MAX_RECORD_HEAD, recordsEnd() - offset)];
        readFully(head, offset);
        BlobFormat.Head parsed = BlobFormat.parseHead(head, 0, head.length, recordsEnd() - offset);
        if (parsed == null) {
            throw BlobFormat.corrupt(number, "no record at offset " + offset);
        }
        byte[] key = new byte[parsed.keyLength()];
        readFully(key, offset + parsed.headLength());
        return new KeyAt(parsed.cf(), key, parsed.recordSize());
    }

    /** The offset of record {@code index} of a sealed file, from its table. */
    long recordOffset(long index) {
        byte[] entry = new byte[4];
        readFully(entry, tableOffset + 4 * index);
        return BlobFormat.getInt(entry, 0) & 0xFFFFFFFFL;
    }

    void readFully(byte[] into, long position) {
        int done = 0;
        while (done < into.length) {
            int chunk = Math.min(READ_CHUNK, into.length - done);
            ByteBuffer buffer = ByteBuffer.wrap(into, done, chunk);
            try {
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, position + buffer.position()) < 0) {
                        throw new EOFException();
                    }
                }
                done += chunk;
            } catch (ClosedByInterruptException e) {
                throw new EngineException(EngineException.Code.IO, "blob read interrupted", e);
            } catch (ClosedChannelException e) {
                reopenAfter(e);
            } catch (EOFException e) {
                throw BlobFormat.corrupt(number, "read past the end at offset " + position);
            } catch (IOException e) {
                throw ioError("cannot read blob file " + path, e);
            }
        }
    }

    /** After a closed channel: gone if deleted, else closed by another thread's interrupt; reopen. */
    private void reopenAfter(ClosedChannelException e) {
        synchronized (channelLock) {
            if (deleted) {
                throw new Gone(number);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new EngineException(EngineException.Code.IO, "blob read interrupted", e);
            }
            if (!channel.isOpen()) {
                channel = openChannel(path);
            }
        }
    }

    boolean isDeleted() {
        return deleted;
    }

    /** Deletes the file; readers racing this get {@link Gone}. */
    void delete() {
        synchronized (channelLock) {
            deleted = true;
            closeChannel();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw ioError("cannot delete blob file " + path, e);
        }
    }

    /** Closes the channel without deleting, when the engine closes. */
    void close() {
        synchronized (channelLock) {
            deleted = true;
            closeChannel();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing was written through this channel; closing cannot lose data.
        }
    }

    static EngineException ioError(String what, IOException e) {
        String message = what + ": " + e.getMessage();
        if (e.getMessage() != null && e.getMessage().contains("No space left")) {
            return new EngineException(EngineException.Code.NO_SPACE, message, new UncheckedIOException(e));
        }
        return new EngineException(EngineException.Code.IO, message, new UncheckedIOException(e));
    }

    @Override
    public String toString() {
        return BlobFormat.fileName(number) + "[" + state + ", " + size + " bytes]";
    }
}
