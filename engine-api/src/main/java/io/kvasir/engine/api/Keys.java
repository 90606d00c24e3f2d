package io.kvasir.engine.api;

import java.util.Arrays;
import java.util.HexFormat;

/** Small helpers on byte-string keys. */
public final class Keys {
    private static final HexFormat HEX = HexFormat.of();
    private static final int DESCRIBE_LIMIT = 16;

    private Keys() {
    }

    /** Unsigned lexicographic order, the order of every engine. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * A short hex rendering for logs and test output. Truncated, because user keys must not be
     * written to logs in full (they can hold personal data), yet a prefix is often enough to debug.
     */
    public static String describe(byte[] key) {
        if (key.length <= DESCRIBE_LIMIT) {
            return HEX.formatHex(key);
        }
        return HEX.formatHex(key, 0, DESCRIBE_LIMIT) + "..(" + key.length + " bytes)";
    }

    /** The smallest key strictly greater than {@code key}: {@code key + 0x00}. */
    public static byte[] next(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
