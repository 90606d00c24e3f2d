package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a blob file's records in order, checking each one's CRC32C: for recovery, which stops at
 * the first record that is not whole, and for GC, which rewrites a sealed file's live records.
 * Plain {@link FileInputStream} rather than a channel, so an interrupt cannot close it midway.
 */
final class BlobScanner implements AutoCloseable {
    private static final int BUFFER = 1 << 20;

    /** One whole record. */
    record Record(long offset, ColumnFamily cf, byte[] key, byte[] value, int size) {
    }

    private final long fileNumber;
    private final long end;
    private final InputStream in;
    private final byte[] head = new byte[BlobFormat.MAX_RECORD_HEAD];
    private long position;
    private String stopReason;

    /** Scans the records in {@code [start, end)} of the file. */
    BlobScanner(Path path, long fileNumber, long start, long end) throws IOException {
        this.fileNumber = fileNumber;
        this.end = end;
        FileInputStream file = new FileInputStream(path.toFile());
        try {
            file.getChannel().position(start);
        } catch (IOException e) {
            file.close();
            throw e;
        }
        this.in = new BufferedInputStream(file, BUFFER);
        this.position = start;
    }

    /** Where the next record would start: after a stop, the end of the last whole record. */
    long position() {
        return position;
    }

    /** Why {@link #next()} returned null before the end, or null when it reached the end. */
    String stopReason() {
        return stopReason;
    }

    /** The next whole record, or null at the end or at the first bytes that are not a whole record. */
    Record next() throws IOException {
        if (position >= end) {
            return null;
        }
        int available = (int) Math.min(head.length, end - position);
        in.mark(head.length);
        int read = in.readNBytes(head, 0, available);
        BlobFormat.Head parsed = BlobFormat.parseHead(head, 0, read, end - position);
        if (parsed == null) {
            return stop("no whole record at offset " + position);
        }
        in.reset();
        byte[] record = in.readNBytes(parsed.recordSize());
        if (record.length < parsed.recordSize()) {
            return stop("record at offset " + position + " is cut short");
        }
        if (!BlobFormat.crcMatches(record, 0, parsed)) {
            return stop("checksum mismatch in the record at offset " + position);
        }
        int keyStart = parsed.headLength();
        int valueStart = keyStart + parsed.keyLength();
        Record result = new Record(position, parsed.cf(), Arrays.copyOfRange(record, keyStart, valueStart),
                Arrays.copyOfRange(record, valueStart, record.length), record.length);
        position += record.length;
        return result;
    }

    private Record stop(String reason) {
        stopReason = "blob file " + BlobFormat.fileName(fileNumber) + ": " + reason;
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
