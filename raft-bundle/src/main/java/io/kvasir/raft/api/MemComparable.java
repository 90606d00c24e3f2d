package io.kvasir.raft.api;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * TiKV's memcomparable encoding of byte strings ({@code codec::bytes::encode_bytes}): the bytes in
 * groups of 8, each followed by a marker byte; the last group is padded with zeros and its marker
 * is {@code 0xFF - padding}, the others' {@code 0xFF}. Encoded strings compare, as unsigned bytes,
 * in the order of the strings, and no encoding is a prefix of another's, so a timestamp appended
 * to an encoded key never changes which key it belongs to.
 */
public final class MemComparable {

    private static final int GROUP = 8;
    private static final int MARKER = 0xFF;

    private MemComparable() {
    }

    public static byte[] encode(byte[] key) {
        int groups = key.length / GROUP + 1;
        byte[] out = new byte[groups * (GROUP + 1)];
        int o = 0;
        for (int i = 0; i <= key.length; i += GROUP) {
            int n = Math.min(GROUP, key.length - i);
            System.arraycopy(key, i, out, o, n);
            o += GROUP; // the padding is already zero
            out[o++] = (byte) (MARKER - (GROUP - n));
        }
        return out;
    }

    /** The encoded length of a key of {@code keyLength} bytes. */
    public static int encodedLength(int keyLength) {
        return (keyLength / GROUP + 1) * (GROUP + 1);
    }

    /**
     * Decodes the encoding at the start of {@code encoded}; {@link Decoded#consumed} says where it
     * ends (a timestamp may follow).
     *
     * @throws IllegalArgumentException if it is no valid encoding (truncated, a bad marker, non-zero padding)
     */
    public static Decoded decode(byte[] encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length);
        int i = 0;
        while (true) {
            if (i + GROUP + 1 > encoded.length) {
                throw new IllegalArgumentException("memcomparable key truncated at byte " + i + " of " + encoded.length);
            }
            int marker = encoded[i + GROUP] & 0xFF;
            int padding = MARKER - marker;
            if (padding > GROUP) {
                throw new IllegalArgumentException("memcomparable marker " + marker + " at byte " + (i + GROUP));
            }
            int real = GROUP - padding;
            out.write(encoded, i, real);
            for (int p = i + real; p < i + GROUP; p++) {
                if (encoded[p] != 0) {
                    throw new IllegalArgumentException("memcomparable padding is not zero at byte " + p);
                }
            }
            i += GROUP + 1;
            if (padding != 0) {
                return new Decoded(out.toByteArray(), i);
            }
        }
    }

    /** A decoded key and how many bytes of the input its encoding took. */
    public record Decoded(byte[] key, int consumed) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Decoded d && d.consumed == consumed && Arrays.equals(d.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + consumed;
        }

        @Override
        public String toString() {
            return "Decoded[" + Arrays.toString(key) + ", " + consumed + "]";
        }
    }
}
