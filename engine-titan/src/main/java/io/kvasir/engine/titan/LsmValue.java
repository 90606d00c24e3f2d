package io.kvasir.engine.titan;

import io.kvasir.engine.api.EngineException;
import java.util.Arrays;

/**
 * What the LSM tree stores for a key: a small value itself, or where a large one lives. RocksJava
 * cannot mark a value as a blob index the way Titan does inside RocksDB ({@code kTypeBlobIndex}),
 * so the first byte tells them apart, and small values are stored as they are unless their first
 * byte happens to be one of the two tags:
 *
 * <pre>
 * blob    := 0xFE varint(file number) varint(record offset) varint(value length)
 * escaped := 0xFF value            (a value whose first byte is 0xFE or 0xFF)
 * inline  := value                 (any other value, the empty one included)
 * </pre>
 *
 * So most small values are written and read without a copy, which keeps small-value workloads at
 * the LSM engine's speed. The index does not hold the key's length: the reader knows the key, so it
 * can compute the record's size and read it in one call.
 */
final class LsmValue {
    static final byte BLOB = (byte) 0xFE;
    static final byte ESCAPE = (byte) 0xFF;

    private LsmValue() {
    }

    /** Where a value lives in the blob files. */
    record BlobHandle(long fileNumber, long offset, int valueLength) {

        byte[] encode() {
            byte[] out = new byte[1 + BlobFormat.varintSize(fileNumber) + BlobFormat.varintSize(offset)
                    + BlobFormat.varintSize(valueLength)];
            out[0] = BLOB;
            int pos = BlobFormat.putVarint(out, 1, fileNumber);
            pos = BlobFormat.putVarint(out, pos, offset);
            BlobFormat.putVarint(out, pos, valueLength);
            return out;
        }

        int recordSize(int keyLength) {
            return BlobFormat.recordSize(keyLength, valueLength);
        }
    }

    /** What the LSM stores for a small value: the value itself (not a copy) unless it must be escaped. */
    static byte[] inline(byte[] value) {
        if (value.length == 0 || (value[0] != BLOB && value[0] != ESCAPE)) {
            return value;
        }
        byte[] out = new byte[value.length + 1];
        out[0] = ESCAPE;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    static boolean isBlob(byte[] raw) {
        return raw.length > 0 && raw[0] == BLOB;
    }

    private static boolean isEscaped(byte[] raw) {
        return raw.length > 0 && raw[0] == ESCAPE;
    }

    /** The value of an inline entry: {@code raw} itself when not escaped, so callers pass a fresh array. */
    static byte[] inlineValue(byte[] raw) {
        return isEscaped(raw) ? Arrays.copyOfRange(raw, 1, raw.length) : raw;
    }

    /** The length of the user's value, without reading a blob. */
    static long valueLength(byte[] raw) {
        if (isBlob(raw)) {
            return decode(raw).valueLength();
        }
        return isEscaped(raw) ? raw.length - 1 : raw.length;
    }

    /** The handle of a blob entry; the caller has checked {@link #isBlob}. */
    static BlobHandle decode(byte[] raw) {
        long[] fields = new long[3];
        int pos = 1;
        for (int i = 0; i < 3; i++) {
            long result = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= raw.length || shift > 63) {
                    throw EngineException.corruption("blob index of %d bytes is malformed", raw.length);
                }
                int b = raw[pos++] & 0xFF;
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            fields[i] = result;
        }
        if (pos != raw.length || fields[2] > Integer.MAX_VALUE || fields[0] < 0 || fields[1] < 0) {
            throw EngineException.corruption("blob index of %d bytes is malformed", raw.length);
        }
        return new BlobHandle(fields[0], fields[1], (int) fields[2]);
    }
}
