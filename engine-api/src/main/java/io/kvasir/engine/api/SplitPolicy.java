package io.kvasir.engine.api;

/**
 * When a range is too big, like TiKV's {@code region-max-size}/{@code region-split-size} and
 * {@code region-max-keys}/{@code region-split-keys}: a range is split when it exceeds either
 * maximum, into pieces of about {@code pieceBytes} or {@code pieceKeys}, whichever comes first.
 */
public record SplitPolicy(long maxBytes, long pieceBytes, long maxKeys, long pieceKeys) {

    public SplitPolicy {
        if (pieceBytes <= 0 || pieceKeys <= 0 || maxBytes < pieceBytes || maxKeys < pieceKeys) {
            throw EngineException.invalidArgument(
                    "split policy needs 0 < piece <= max, got bytes %d/%d keys %d/%d", pieceBytes, maxBytes, pieceKeys, maxKeys);
        }
    }

    /** TiKV's defaults: split at 144 MiB into 96 MiB pieces, or at 1,440,000 keys into 960,000. */
    public static final SplitPolicy TIKV_DEFAULT = new SplitPolicy(144L << 20, 96L << 20, 1_440_000, 960_000);

    /** A range of exactly {@code bytes}/{@code keys} per piece, split when above one piece. */
    public static SplitPolicy pieces(long bytes, long keys) {
        return new SplitPolicy(bytes, bytes, keys, keys);
    }
}
