package io.kvasir.engine.api;

import java.util.Arrays;

/**
 * Keys {@code k} with {@code start <= k < end}, compared as unsigned bytes. An empty {@code end}
 * means "to the end of the key space", as region boundaries do in TiKV.
 */
public record KeyRange(byte[] start, byte[] end) {

    private static final byte[] EMPTY = new byte[0];

    /** The whole key space. */
    public static final KeyRange ALL = new KeyRange(EMPTY, EMPTY);

    public KeyRange {
        if (start == null || end == null) {
            throw EngineException.invalidArgument("range bounds must not be null (use an empty array for an open bound)");
        }
        if (end.length > 0 && Arrays.compareUnsigned(start, end) > 0) {
            throw EngineException.invalidArgument("range start is above its end");
        }
        start = start.clone();
        end = end.clone();
    }

    public static KeyRange of(byte[] start, byte[] end) {
        return new KeyRange(start, end);
    }

    @Override
    public byte[] start() {
        return start.clone();
    }

    @Override
    public byte[] end() {
        return end.clone();
    }

    /** The end bound as an iterator upper bound: null when open. */
    public byte[] endOrNull() {
        return end.length == 0 ? null : end.clone();
    }

    public boolean isEndOpen() {
        return end.length == 0;
    }

    public boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Arrays.equals(start, r.start) && Arrays.equals(end, r.end);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "[" + Keys.describe(start) + ", " + (end.length == 0 ? "+inf" : Keys.describe(end)) + ")";
    }
}
