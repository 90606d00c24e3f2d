package io.kvasir.txn.mvcc;

import java.util.Arrays;

/**
 * Reads a record written by {@link RecordWriter}. Every malformed input — truncated, an overlong
 * varint, a negative length — is a {@link BadRecordException} naming what was being read.
 */
final class RecordReader {

    private final byte[] buf;
    private final String what;
    private int pos;

    RecordReader(byte[] buf, String what) {
        this.buf = buf;
        this.what = what;
    }

    boolean hasMore() {
        return pos < buf.length;
    }

    int get() {
        need(1, "a byte");
        return buf[pos++] & 0xFF;
    }

    byte[] bytes(int n, String field) {
        need(n, field);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    long varU64(String field) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new BadRecordException(what + ": " + field + " is an overlong varint");
    }

    long varI64(String field) {
        long z = varU64(field);
        return (z >>> 1) ^ -(z & 1);
    }

    long u64(String field) {
        need(8, field);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    byte[] compactBytes(String field) {
        long n = varI64(field + " length");
        if (n < 0 || n > buf.length - pos) {
            throw new BadRecordException(what + ": " + field + " length " + n + " does not fit the record");
        }
        return bytes((int) n, field);
    }

    private void need(int n, String field) {
        if (pos + n > buf.length) {
            throw new BadRecordException(what + " ends inside " + field + " (" + buf.length + " bytes)");
        }
    }
}
