package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a blob file, and its record codec. A blob file is append-only: a header,
 * records in the order they were written, and, once the file is sealed, a table of record offsets
 * and a trailer. Every record carries its key and column family, so GC can ask the LSM tree
 * whether the record is still the key's current value, and a CRC32C, so a torn or damaged record
 * is detected on every read. The layout plays the role of Titan's blob file format
 * (tikv/titan {@code src/blob_format.h}), simplified: no compression, no per-file properties.
 *
 * <pre>
 * file    := header record* [seal]
 * header  := magic "KVBLOB" 0x00 0x01 | u64 file number                     (16 bytes)
 * record  := u32 crc32c | u8 column family | varint key length | varint value length | key | value
 *            (the CRC covers every byte of the record after it)
 * seal    := u32 offset * count | trailer                     (record offsets, ascending)
 * trailer := u64 count | u64 offset of the table | u32 crc32c of those 16 bytes | magic "KVBSEAL" 0x01
 * </pre>
 *
 * Integers are big-endian, varints little-endian base 128. Record offsets fit in 32 bits because
 * a record starts only below the file size limit, which is at most 1 GiB (see {@link TitanOptions}).
 */
final class BlobFormat {
    static final byte[] MAGIC = {'K', 'V', 'B', 'L', 'O', 'B', 0, 1};
    static final byte[] SEAL_MAGIC = {'K', 'V', 'B', 'S', 'E', 'A', 'L', 1};
    static final int HEADER_SIZE = 16;
    static final int TRAILER_SIZE = 28;
    /** crc + column family + two varints of at most 5 bytes. */
    static final int MAX_RECORD_HEAD = 4 + 1 + 5 + 5;
    static final String SUFFIX = ".blob";

    private BlobFormat() {
    }

    static String fileName(long number) {
        return String.format("%08d%s", number, SUFFIX);
    }

    /** The file number in a blob file's name, or -1 when the name is not a blob file's. */
    static long parseFileName(String name) {
        if (!name.endsWith(SUFFIX)) {
            return -1;
        }
        String digits = name.substring(0, name.length() - SUFFIX.length());
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 18) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    static byte[] header(long fileNumber) {
        byte[] header = Arrays.copyOf(MAGIC, HEADER_SIZE);
        putLong(header, MAGIC.length, fileNumber);
        return header;
    }

    /** Size of a whole record. */
    static int recordSize(int keyLength, int valueLength) {
        return headSize(keyLength, valueLength) + keyLength + valueLength;
    }

    /** Size of a record's head: everything before its key. */
    static int headSize(int keyLength, int valueLength) {
        return 4 + 1 + varintSize(keyLength) + varintSize(valueLength);
    }

    /**
     * Writes a record's head into {@code out} at 0 and returns its length. The CRC field is
     * computed over the head's remaining bytes, the key and the value.
     */
    static int encodeHead(byte[] out, ColumnFamily cf, byte[] key, byte[] value) {
        int pos = 4;
        out[pos++] = (byte) cf.ordinal();
        pos = putVarint(out, pos, key.length);
        pos = putVarint(out, pos, value.length);
        CRC32C crc = new CRC32C();
        crc.update(out, 4, pos - 4);
        crc.update(key);
        crc.update(value);
        putInt(out, 0, (int) crc.getValue());
        return pos;
    }

    /** A record's head as read back: where the key starts, and what the record holds. */
    record Head(int crc, ColumnFamily cf, int keyLength, int valueLength, int headLength) {
        int recordSize() {
            return headLength + keyLength + valueLength;
        }
    }

    /**
     * Parses a record head from {@code buf[from, from + available)}, or returns null when the bytes
     * cannot be one (too short, unknown column family, lengths beyond {@code limit} bytes).
     */
    static Head parseHead(byte[] buf, int from, int available, long limit) {
        if (available < 6) {
            return null;
        }
        int crc = getInt(buf, from);
        int cfOrdinal = buf[from + 4] & 0xFF;
        if (cfOrdinal >= ColumnFamily.values().length) {
            return null;
        }
        int pos = from + 5;
        int end = from + available;
        long keyLength = 0;
        long valueLength = 0;
        for (int field = 0; field < 2; field++) {
            long result = 0;
            int shift = 0;
            while (true) {
                if (pos >= end || shift > 28) {
                    return null;
                }
                int b = buf[pos++] & 0xFF;
                result |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (field == 0) {
                keyLength = result;
            } else {
                valueLength = result;
            }
        }
        int headLength = pos - from;
        if (keyLength + valueLength + headLength > limit || keyLength > Integer.MAX_VALUE || valueLength > Integer.MAX_VALUE) {
            return null;
        }
        return new Head(crc, ColumnFamily.values()[cfOrdinal], (int) keyLength, (int) valueLength, headLength);
    }

    /** Whether the CRC stored in a whole record, at {@code buf[from]}, matches its bytes. */
    static boolean crcMatches(byte[] buf, int from, Head head) {
        CRC32C crc = new CRC32C();
        crc.update(buf, from + 4, head.recordSize() - 4);
        return (int) crc.getValue() == head.crc();
    }

    /** The 28-byte trailer of a sealed file. */
    static byte[] trailer(long count, long tableOffset) {
        byte[] trailer = new byte[TRAILER_SIZE];
        putLong(trailer, 0, count);
        putLong(trailer, 8, tableOffset);
        CRC32C crc = new CRC32C();
        crc.update(trailer, 0, 16);
        putInt(trailer, 16, (int) crc.getValue());
        System.arraycopy(SEAL_MAGIC, 0, trailer, 20, SEAL_MAGIC.length);
        return trailer;
    }

    /** A sealed file's record count and table offset. */
    record Trailer(long count, long tableOffset) {
    }

    /** Parses a trailer, or returns null when {@code bytes} are not a valid one for a file of {@code fileSize} bytes. */
    static Trailer parseTrailer(byte[] bytes, long fileSize) {
        if (bytes.length != TRAILER_SIZE || !Arrays.equals(bytes, 20, 28, SEAL_MAGIC, 0, SEAL_MAGIC.length)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 16);
        if ((int) crc.getValue() != getInt(bytes, 16)) {
            return null;
        }
        long count = getLong(bytes, 0);
        long table = getLong(bytes, 8);
        if (count < 0 || table < HEADER_SIZE || table + 4 * count + TRAILER_SIZE != fileSize) {
            return null;
        }
        return new Trailer(count, table);
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    static int putVarint(byte[] out, int pos, long value) {
        while ((value & ~0x7FL) != 0) {
            out[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[pos++] = (byte) value;
        return pos;
    }

    static void putInt(byte[] out, int pos, int value) {
        out[pos] = (byte) (value >>> 24);
        out[pos + 1] = (byte) (value >>> 16);
        out[pos + 2] = (byte) (value >>> 8);
        out[pos + 3] = (byte) value;
    }

    static int getInt(byte[] in, int pos) {
        return (in[pos] & 0xFF) << 24 | (in[pos + 1] & 0xFF) << 16 | (in[pos + 2] & 0xFF) << 8 | (in[pos + 3] & 0xFF);
    }

    static void putLong(byte[] out, int pos, long value) {
        putInt(out, pos, (int) (value >>> 32));
        putInt(out, pos + 4, (int) value);
    }

    static long getLong(byte[] in, int pos) {
        return (long) getInt(in, pos) << 32 | (getInt(in, pos + 4) & 0xFFFFFFFFL);
    }

    static EngineException corrupt(long fileNumber, String what) {
        return EngineException.corruption("blob file %s is corrupt: %s", fileName(fileNumber), what);
    }
}
