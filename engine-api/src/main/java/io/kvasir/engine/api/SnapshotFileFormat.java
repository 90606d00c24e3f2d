package io.kvasir.engine.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The engine-neutral region snapshot file: one column family's pairs of one key range, in key
 * order, with a CRC32C over the whole file. Any engine can write it from a snapshot and read it
 * into itself, so a store on LMDB can receive a region from a store on RocksDB.
 *
 * <pre>
 * file    := magic cf-name record* end checksum
 * magic   := "KVSNAP" 0x00 0x01                  (format version 1)
 * cf-name := u8 length, UTF-8 bytes
 * record  := 0x01 varint(key length) key varint(value length) value
 * end     := 0x00 u64(entries)
 * checksum:= u32 CRC32C of every byte before it (big-endian)
 * </pre>
 */
public final class SnapshotFileFormat {
    private static final byte[] MAGIC = {'K', 'V', 'S', 'N', 'A', 'P', 0, 1};
    private static final int RECORD = 1;
    private static final int END = 0;
    private static final int IO_BUFFER = 1 << 16;
    /** Import writes in batches of about this size, so a large region never sits in memory at once. */
    static final long IMPORT_BATCH_BYTES = 4L << 20;

    private SnapshotFileFormat() {
    }

    /** Writes one file of the format. Keys must be strictly ascending. */
    public static final class Writer implements AutoCloseable {
        private final ColumnFamily cf;
        private final Path path;
        private final CRC32C crc = new CRC32C();
        private final DataOutputStream out;
        private byte[] lastKey;
        private long entries;
        private boolean finished;

        public Writer(ColumnFamily cf, Path path) {
            this.cf = cf;
            this.path = path;
            try {
                OutputStream file = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                this.out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(file, IO_BUFFER), crc));
                out.write(MAGIC);
                byte[] name = cf.cfName().getBytes(StandardCharsets.UTF_8);
                out.writeByte(name.length);
                out.write(name);
            } catch (IOException e) {
                throw ioError("cannot create snapshot file " + path, e);
            }
        }

        public void add(byte[] key, byte[] value) {
            if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
                throw EngineException.invalidArgument("snapshot file keys must be strictly ascending");
            }
            try {
                out.writeByte(RECORD);
                writeVarint(out, key.length);
                out.write(key);
                writeVarint(out, value.length);
                out.write(value);
            } catch (IOException e) {
                throw ioError("cannot write snapshot file " + path, e);
            }
            lastKey = key;
            entries++;
        }

        /** Completes the file, syncs it, and describes it. */
        public SnapshotFileMeta finish() {
            try {
                out.writeByte(END);
                out.writeLong(entries);
                out.flush();
                int checksum = (int) crc.getValue();
                out.writeInt(checksum);
                out.close();
                finished = true;
                try (var channel = java.nio.channels.FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                return new SnapshotFileMeta(cf, path, entries, Files.size(path), checksum);
            } catch (IOException e) {
                throw ioError("cannot finish snapshot file " + path, e);
            }
        }

        @Override
        public void close() {
            if (finished) {
                return;
            }
            try {
                out.close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw ioError("cannot discard snapshot file " + path, e);
            }
        }
    }

    /** Receives the pairs of a file as it is read. */
    @FunctionalInterface
    public interface PairConsumer {
        void accept(byte[] key, byte[] value);
    }

    /**
     * Reads {@code meta}'s file, checking magic, column family, key order, that every key lies in
     * {@code range}, the entry count and both checksums (the file's own and the manifest's).
     * Pairs go to {@code consumer} as they are read, so a caller that must not act on a corrupt
     * file reads it twice: once with a no-op consumer, then for real.
     */
    public static void read(SnapshotFileMeta meta, KeyRange range, PairConsumer consumer) {
        CRC32C crc = new CRC32C();
        try (InputStream buffered = new BufferedInputStream(Files.newInputStream(meta.path()), IO_BUFFER);
             DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(meta, "not a snapshot file of format version 1");
            }
            byte[] name = in.readNBytes(in.readUnsignedByte());
            if (!meta.cf().cfName().equals(new String(name, StandardCharsets.UTF_8))) {
                throw corrupt(meta, "holds column family '" + new String(name, StandardCharsets.UTF_8) + "'");
            }
            long entries = 0;
            byte[] lastKey = null;
            while (in.readUnsignedByte() == RECORD) {
                byte[] key = readBytes(in, meta);
                byte[] value = readBytes(in, meta);
                if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
                    throw corrupt(meta, "keys out of order");
                }
                if (!range.contains(key)) {
                    throw corrupt(meta, "key outside the snapshot's range " + range);
                }
                consumer.accept(key, value);
                lastKey = key;
                entries++;
            }
            long declared = in.readLong();
            int computed = (int) crc.getValue();
            // The checksum covers everything before it, so read it past the checksumming stream.
            int stored = new DataInputStream(buffered).readInt();
            if (declared != entries || entries != meta.entries()) {
                throw corrupt(meta, "entry count mismatch");
            }
            if (stored != computed || computed != meta.checksum()) {
                throw corrupt(meta, "checksum mismatch");
            }
        } catch (EOFException e) {
            throw corrupt(meta, "truncated");
        } catch (IOException e) {
            throw ioError("cannot read snapshot file " + meta.path(), e);
        }
    }

    /** Writes {@code range} of each of {@code cfs}, as {@code snapshot} sees it, to files in {@code dir}. */
    public static SnapshotManifest export(Snapshot snapshot, KeyRange range, List<ColumnFamily> cfs, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw ioError("cannot create snapshot directory " + dir, e);
        }
        List<SnapshotFileMeta> files = new ArrayList<>();
        for (ColumnFamily cf : cfs) {
            Path path = dir.resolve(cf.cfName() + ".kvsnap");
            try (Writer writer = new Writer(cf, path);
                 EngineIterator it = snapshot.newIterator(cf, IterOptions.of(range).withoutFillCache())) {
                for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                    writer.add(it.key(), it.value());
                }
                files.add(writer.finish());
            }
        }
        return new SnapshotManifest(range, files);
    }

    /**
     * Verifies every file of {@code manifest}, then replaces its range in each column family
     * with the file's contents. A corrupt file is reported before anything is written.
     */
    public static void importInto(KvEngine engine, SnapshotManifest manifest) {
        KeyRange range = manifest.range();
        for (SnapshotFileMeta meta : manifest.files()) {
            read(meta, range, (k, v) -> { });
        }
        byte[] end = range.isEndOpen() ? null : range.end();
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (SnapshotFileMeta meta : manifest.files()) {
                if (end != null) {
                    batch.deleteRange(meta.cf(), range.start(), end);
                } else {
                    clearToEnd(engine, batch, meta.cf(), range.start());
                }
                read(meta, range, (k, v) -> {
                    batch.put(meta.cf(), k, v);
                    if (batch.dataSize() >= IMPORT_BATCH_BYTES) {
                        engine.write(batch, WriteOptions.NO_SYNC);
                        batch.clear();
                    }
                });
            }
            engine.write(batch, WriteOptions.SYNC);
        }
    }

    /**
     * A delete-range needs an end key; for a range open to the end, delete up to one past the
     * last key present.
     */
    private static void clearToEnd(KvEngine engine, WriteBatch batch, ColumnFamily cf, byte[] start) {
        try (EngineIterator it = engine.newIterator(cf, IterOptions.range(start, null).withoutFillCache())) {
            if (it.seekToLast()) {
                batch.deleteRange(cf, start, Keys.next(it.key()));
            }
        }
    }

    private static byte[] readBytes(DataInputStream in, SnapshotFileMeta meta) throws IOException {
        long length = readVarint(in);
        if (length > Integer.MAX_VALUE - 16 || length > meta.size()) {
            throw corrupt(meta, "record length " + length + " is impossible");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        return bytes;
    }

    private static void writeVarint(DataOutputStream out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarint(DataInputStream in) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("varint too long");
    }

    private static EngineException corrupt(SnapshotFileMeta meta, String what) {
        return EngineException.corruption("snapshot file %s (%s) is corrupt: %s", meta.path().getFileName(), meta.cf().cfName(), what);
    }

    private static EngineException ioError(String what, IOException e) {
        return new EngineException(EngineException.Code.IO, what + ": " + e.getMessage(), new UncheckedIOException(e));
    }
}
