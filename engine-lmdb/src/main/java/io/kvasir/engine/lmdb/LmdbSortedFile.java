package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.SnapshotFileFormat;
import io.kvasir.engine.api.SnapshotFileMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * LMDB's sorted file. LMDB has no native SST, so a sorted file is a {@link SnapshotFileFormat}
 * file (one column family, ascending keys, CRC32C) laid out as:
 * <ul>
 *   <li>a header record first: the empty key with the value {@link #HEADER_VALUE}, which tells an
 *       LMDB sorted file apart from a region snapshot file (also a valid snapshot-format file);</li>
 *   <li>then one record per entry, its key behind a {@code 0x01} prefix (so every entry sorts
 *       after the header, in the entries' own order) and its value tagged: {@code 0x01} followed
 *       by the value for a put, a lone {@code 0x00} for a deletion. The tag keeps deletions in
 *       the same file, in key order, with the format's checks unchanged.</li>
 * </ul>
 * The files are private to LMDB engines; between engines data moves in the plain region
 * snapshot format.
 *
 * <p>Ingestion reads each file twice: once to check it whole (format, checksum, key and value
 * limits, header and tags) before anything is written, then again inside the write transaction
 * to apply it. A file that changes between the two reads fails its checksum on the second and
 * the transaction is aborted, so a bad file never half-applies.
 */
final class LmdbSortedFile {
    static final byte DELETE_TAG = 0;
    static final byte PUT_TAG = 1;
    static final byte KEY_PREFIX = 1;
    static final byte[] HEADER_KEY = {};
    static final byte[] HEADER_VALUE = "kvasir-lmdb-sorted-file/1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELETE_VALUE = {DELETE_TAG};
    /** Magic (8), cf-name length (1); the trailer is end (1), u64 entries, u32 checksum. */
    private static final int HEADER_PREFIX = 9;
    private static final int TRAILER = 13;

    /** Receives a file's entries; {@code value} is null for a deletion. */
    @FunctionalInterface
    interface EntryConsumer {
        void accept(byte[] key, byte[] value);
    }

    /** A file that passed every check, with the keys it spans. */
    record Checked(SnapshotFileMeta meta, byte[] smallest, byte[] largest) {
    }

    private LmdbSortedFile() {
    }

    /** The stored form of an entry's key: behind {@link #KEY_PREFIX}, after the header's empty key. */
    static byte[] prefixKey(byte[] key) {
        byte[] prefixed = new byte[key.length + 1];
        prefixed[0] = KEY_PREFIX;
        System.arraycopy(key, 0, prefixed, 1, key.length);
        return prefixed;
    }

    static byte[] tagPut(byte[] value) {
        byte[] tagged = new byte[value.length + 1];
        tagged[0] = PUT_TAG;
        System.arraycopy(value, 0, tagged, 1, value.length);
        return tagged;
    }

    static byte[] tagDelete() {
        return DELETE_VALUE.clone();
    }

    /**
     * Checks every file in full and that their key ranges are disjoint.
     *
     * @return the files in key order; files without entries are dropped
     * @throws EngineException INVALID_ARGUMENT for a missing file, overlapping files or an
     *                         oversize key or value; CORRUPTION for a damaged file
     */
    static List<Checked> checkAll(List<Path> files, EngineLimits limits) {
        List<Checked> checked = new ArrayList<>();
        for (Path path : files) {
            if (path == null) {
                throw EngineException.invalidArgument("sorted file path must not be null");
            }
            Checked file = check(path, limits);
            if (file.smallest() != null) {
                checked.add(file);
            }
        }
        checked.sort(Comparator.comparing(Checked::smallest, Keys::compare));
        for (int i = 1; i < checked.size(); i++) {
            if (Keys.compare(checked.get(i - 1).largest(), checked.get(i).smallest()) >= 0) {
                throw EngineException.invalidArgument("sorted files %s and %s overlap; ingest them separately",
                        checked.get(i - 1).meta().path().getFileName(), checked.get(i).meta().path().getFileName());
            }
        }
        return checked;
    }

    /** Reads a checked file's entries in key order. */
    static void read(Checked file, EntryConsumer consumer) {
        readEntries(file.meta(), consumer);
    }

    private static Checked check(Path path, EngineLimits limits) {
        SnapshotFileMeta meta = metaOf(path);
        byte[][] span = new byte[2][];
        readEntries(meta, (key, value) -> {
            limits.checkKey(key);
            if (value != null) {
                limits.checkValue(value);
            }
            if (span[0] == null) {
                span[0] = key;
            }
            span[1] = key;
        });
        return new Checked(meta, span[0], span[1]);
    }

    /** Reads the file through the snapshot format's checks, verifying the header and unwrapping keys and tags. */
    private static void readEntries(SnapshotFileMeta meta, EntryConsumer consumer) {
        boolean[] headerSeen = {false};
        SnapshotFileFormat.read(meta, KeyRange.ALL, (key, value) -> {
            if (!headerSeen[0]) {
                if (key.length != 0 || !Arrays.equals(value, HEADER_VALUE)) {
                    throw notASortedFile(meta, "no LMDB sorted-file header");
                }
                headerSeen[0] = true;
                return;
            }
            if (key.length == 0 || key[0] != KEY_PREFIX) {
                throw notASortedFile(meta, "bad key prefix");
            }
            consumer.accept(Arrays.copyOfRange(key, 1, key.length), untag(meta, value));
        });
        if (!headerSeen[0]) {
            throw notASortedFile(meta, "no LMDB sorted-file header");
        }
    }

    private static EngineException notASortedFile(SnapshotFileMeta meta, String why) {
        return EngineException.corruption("%s is not an LMDB sorted file: %s", meta.path().getFileName(), why);
    }

    private static byte[] untag(SnapshotFileMeta meta, byte[] tagged) {
        if (tagged.length == 1 && tagged[0] == DELETE_TAG) {
            return null;
        }
        if (tagged.length == 0 || tagged[0] != PUT_TAG) {
            throw notASortedFile(meta, "bad entry tag");
        }
        return Arrays.copyOfRange(tagged, 1, tagged.length);
    }

    /**
     * The file's description, taken from its own header and trailer: the column family it was
     * written for, its entry count and checksum. {@link SnapshotFileFormat#read} then verifies
     * all of it against the contents.
     */
    private static SnapshotFileMeta metaOf(Path path) {
        if (!Files.isRegularFile(path)) {
            throw EngineException.invalidArgument("sorted file %s does not exist", path);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = read(channel, 0, HEADER_PREFIX, size, path);
            int nameLength = header.get(HEADER_PREFIX - 1) & 0xFF;
            if (size < HEADER_PREFIX + nameLength + TRAILER) {
                throw EngineException.corruption("sorted file %s is truncated or not a sorted file", path.getFileName());
            }
            ByteBuffer name = read(channel, HEADER_PREFIX, nameLength, size, path);
            ColumnFamily cf = columnFamily(StandardCharsets.UTF_8.decode(name).toString(), path);
            ByteBuffer trailer = read(channel, size - TRAILER + 1, TRAILER - 1, size, path);
            return new SnapshotFileMeta(cf, path, trailer.getLong(0), size, trailer.getInt(8));
        } catch (IOException e) {
            throw new EngineException(EngineException.Code.IO, "cannot read sorted file " + path + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length, long size, Path path) throws IOException {
        if (position + length > size) {
            throw EngineException.corruption("sorted file %s is truncated or not a sorted file", path.getFileName());
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw EngineException.corruption("sorted file %s is truncated", path.getFileName());
            }
        }
        return buffer.flip();
    }

    private static ColumnFamily columnFamily(String name, Path path) {
        try {
            return ColumnFamily.fromName(name);
        } catch (EngineException e) {
            throw EngineException.corruption("sorted file %s is not a sorted file (unknown column family)", path.getFileName());
        }
    }
}
