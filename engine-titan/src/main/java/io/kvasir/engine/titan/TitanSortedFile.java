package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.Keys;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The titan engine's sorted file for {@code ingest}: whole values, not blob indexes, so that a file
 * never depends on blob records (which GC could collect before the file is ingested) and ingestion
 * separates large values exactly as writes do. Same shape as the engine-neutral snapshot file,
 * plus deletions:
 *
 * <pre>
 * file    := magic "KVTSST" 0x00 0x01 | u8 column family | entry* | 0x00 | u64 entries | u32 crc32c
 * entry   := 0x01 varint(key length) key varint(value length) value      (put)
 *          | 0x02 varint(key length) key                                  (delete)
 * </pre>
 */
final class TitanSortedFile {
    private static final byte[] MAGIC = {'K', 'V', 'T', 'S', 'S', 'T', 0, 1};
    private static final int END = 0;
    private static final int PUT = 1;
    private static final int DELETE = 2;
    private static final int IO_BUFFER = 1 << 16;

    private TitanSortedFile() {
    }

    /** Writes one file; the caller checks key order and limits. */
    static final class Writer implements AutoCloseable {
        private final Path path;
        private final CRC32C crc = new CRC32C();
        private final DataOutputStream out;
        private long entries;
        private boolean finished;

        Writer(ColumnFamily cf, Path path) {
            this.path = path;
            try {
                this.out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), IO_BUFFER), crc));
                out.write(MAGIC);
                out.writeByte(cf.ordinal());
            } catch (IOException e) {
                throw BlobFile.ioError("cannot create sorted file " + path, e);
            }
        }

        void put(byte[] key, byte[] value) {
            entry(PUT, key, value);
        }

        void delete(byte[] key) {
            entry(DELETE, key, null);
        }

        private void entry(int type, byte[] key, byte[] value) {
            try {
                out.writeByte(type);
                writeBytes(key);
                if (value != null) {
                    writeBytes(value);
                }
            } catch (IOException e) {
                throw BlobFile.ioError("cannot write sorted file " + path, e);
            }
            entries++;
        }

        private void writeBytes(byte[] bytes) throws IOException {
            long v = bytes.length;
            while ((v & ~0x7FL) != 0) {
                out.writeByte((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.writeByte((int) v);
            out.write(bytes);
        }

        /** Completes and syncs the file; returns its size. */
        long finish() {
            try {
                out.writeByte(END);
                out.writeLong(entries);
                out.flush();
                out.writeInt((int) crc.getValue());
                out.close();
                finished = true;
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                return Files.size(path);
            } catch (IOException e) {
                throw BlobFile.ioError("cannot finish sorted file " + path, e);
            }
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                out.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw BlobFile.ioError("cannot discard sorted file " + path, e);
            }
        }
    }

    /** Receives a file's entries as they are read; {@code value} is null for a deletion. */
    @FunctionalInterface
    interface EntryConsumer {
        void accept(byte[] key, byte[] value);
    }

    /** A verified file's key range. */
    record Summary(Path path, byte[] smallest, byte[] largest, long entries) {
    }

    /**
     * Reads {@code path}, checking magic, key order, entry count and checksum, and hands entries to
     * {@code consumer} as they come; so a caller that must not act on a bad file reads it twice.
     */
    static Summary read(Path path, EntryConsumer consumer) {
        CRC32C crc = new CRC32C();
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw EngineException.invalidArgument("sorted file %s does not exist", path);
        } catch (IOException e) {
            throw BlobFile.ioError("cannot read sorted file " + path, e);
        }
        try (InputStream buffered = new BufferedInputStream(Files.newInputStream(path), IO_BUFFER);
             DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc))) {
            if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC) || in.readUnsignedByte() >= ColumnFamily.values().length) {
                throw corrupt(path, "not a titan sorted file of format version 1");
            }
            byte[] smallest = null;
            byte[] largest = null;
            long entries = 0;
            for (int type = in.readUnsignedByte(); type != END; type = in.readUnsignedByte()) {
                if (type != PUT && type != DELETE) {
                    throw corrupt(path, "unknown entry type " + type);
                }
                byte[] key = readBytes(in, size, path);
                byte[] value = type == PUT ? readBytes(in, size, path) : null;
                if (largest != null && Keys.compare(largest, key) >= 0) {
                    throw corrupt(path, "keys out of order");
                }
                consumer.accept(key, value);
                smallest = smallest == null ? key : smallest;
                largest = key;
                entries++;
            }
            long declared = in.readLong();
            int computed = (int) crc.getValue();
            int stored = new DataInputStream(buffered).readInt();
            if (declared != entries || stored != computed) {
                throw corrupt(path, declared != entries ? "entry count mismatch" : "checksum mismatch");
            }
            if (entries == 0) {
                throw EngineException.invalidArgument("sorted file %s is empty", path);
            }
            return new Summary(path, smallest, largest, entries);
        } catch (EOFException e) {
            throw corrupt(path, "truncated");
        } catch (IOException e) {
            throw BlobFile.ioError("cannot read sorted file " + path, e);
        }
    }

    private static byte[] readBytes(DataInputStream in, long fileSize, Path path) throws IOException {
        long length = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 35) {
                throw corrupt(path, "length too long");
            }
            int b = in.readUnsignedByte();
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (length > fileSize) {
            throw corrupt(path, "entry length " + length + " is impossible");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return bytes;
    }

    private static EngineException corrupt(Path path, String what) {
        return new EngineException(EngineException.Code.CORRUPTION, "sorted file " + path.getFileName() + " is corrupt: " + what,
                new UncheckedIOException(new IOException(what)));
    }
}
