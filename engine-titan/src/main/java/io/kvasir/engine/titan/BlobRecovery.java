package io.kvasir.engine.titan;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one blob file back after the engine stopped, cleanly or not. A sealed file (valid
 * trailer) is used as it is. An unsealed one was being written when the process died: its records
 * are scanned, a torn tail after the last whole record is cut off, and the file is sealed, so
 * after open every file but the new active ones is immutable.
 *
 * <p>Cutting the tail loses nothing that was acknowledged: records are flushed before their
 * indexes are written to the LSM tree, and synced before a synced batch's indexes are, so an index
 * the LSM tree recovered never points past the last whole record.
 */
final class BlobRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(BlobRecovery.class);

    private BlobRecovery() {
    }

    /** The recovered file, sealed; null when it held no record and was deleted. */
    static BlobFile recover(Path path, long number) throws IOException {
        long size = Files.size(path);
        if (size < BlobFormat.HEADER_SIZE) {
            // Created but its header never reached the disk: nothing can point into it.
            Files.delete(path);
            return null;
        }
        byte[] header = new byte[BlobFormat.HEADER_SIZE];
        byte[] trailer = new byte[BlobFormat.TRAILER_SIZE];
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            file.readFully(header);
            if (size >= BlobFormat.HEADER_SIZE + BlobFormat.TRAILER_SIZE) {
                file.seek(size - BlobFormat.TRAILER_SIZE);
                file.readFully(trailer);
            }
        }
        if (!Arrays.equals(header, 0, BlobFormat.MAGIC.length, BlobFormat.MAGIC, 0, BlobFormat.MAGIC.length)
                || BlobFormat.getLong(header, BlobFormat.MAGIC.length) != number) {
            throw BlobFormat.corrupt(number, "bad header");
        }
        BlobFormat.Trailer sealed = BlobFormat.parseTrailer(trailer, size);
        if (sealed != null) {
            BlobFile file = new BlobFile(number, path, BlobFile.State.SEALED, size);
            file.sealed(sealed.count(), sealed.tableOffset(), size);
            return file;
        }
        return sealUnsealed(path, number, size);
    }

    private static BlobFile sealUnsealed(Path path, long number, long size) throws IOException {
        long[] offsets = new long[64];
        int count = 0;
        long goodEnd;
        String stopReason;
        try (BlobScanner scanner = new BlobScanner(path, number, BlobFormat.HEADER_SIZE, size)) {
            for (BlobScanner.Record r = scanner.next(); r != null; r = scanner.next()) {
                if (count == offsets.length) {
                    offsets = Arrays.copyOf(offsets, count * 2);
                }
                offsets[count++] = r.offset();
            }
            goodEnd = scanner.position();
            stopReason = scanner.stopReason();
        }
        if (count == 0) {
            LOG.info("blob file {} held no whole record; deleted", BlobFormat.fileName(number));
            Files.delete(path);
            return null;
        }
        if (goodEnd < size) {
            LOG.warn("{}; cutting the file from {} to {} bytes", stopReason, size, goodEnd);
        }
        byte[] table = new byte[4 * count];
        for (int i = 0; i < count; i++) {
            BlobFormat.putInt(table, 4 * i, (int) offsets[i]);
        }
        long sealedSize = goodEnd + table.length + BlobFormat.TRAILER_SIZE;
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(goodEnd);
            file.seek(goodEnd);
            file.write(table);
            file.write(BlobFormat.trailer(count, goodEnd));
            file.getFD().sync();
        }
        BlobFile file = new BlobFile(number, path, BlobFile.State.SEALED, sealedSize);
        file.sealed(count, goodEnd, sealedSize);
        return file;
    }
}
