package io.kvasir.txn.mvcc;

import java.util.Arrays;

/** Builds a record in TiKV's number encodings (TiKV {@code codec::number}); see {@link RecordReader}. */
final class RecordWriter {

    private byte[] buf = new byte[32];
    private int len;

    RecordWriter put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    RecordWriter put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    /** Unsigned LEB128. */
    RecordWriter varU64(long v) {
        while ((v & ~0x7FL) != 0) {
            put((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        return put((int) v);
    }

    /** Zigzag, then LEB128. */
    RecordWriter varI64(long v) {
        return varU64((v << 1) ^ (v >> 63));
    }

    /** Eight bytes, big-endian. */
    RecordWriter u64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            put((int) (v >>> shift));
        }
        return this;
    }

    /** A length (zigzag varint) and the bytes (TiKV's {@code encode_compact_bytes}). */
    RecordWriter compactBytes(byte[] bytes) {
        return varI64(bytes.length).put(bytes);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
