package io.kvasir.raft.core;

/**
 * The expected refusals of a {@link LogStorage}. Anything else a storage throws (an engine
 * failure) propagates and fail-stops the peer: the core never hides a storage error.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StorageException(String message) {
        super(message);
    }

    /** The requested index is at or before the storage's compaction point. */
    public static final class Compacted extends StorageException {
        private static final long serialVersionUID = 1L;

        public Compacted(long index, long firstIndex) {
            super("index " + index + " is compacted; first available index is " + firstIndex);
        }
    }

    /** The requested index is past the storage's last index. */
    public static final class Unavailable extends StorageException {
        private static final long serialVersionUID = 1L;

        public Unavailable(long index, long lastIndex) {
            super("index " + index + " is unavailable; last index is " + lastIndex);
        }
    }

    /** A snapshot is being built; the leader tries again later. */
    public static final class SnapshotTemporarilyUnavailable extends StorageException {
        private static final long serialVersionUID = 1L;

        public SnapshotTemporarilyUnavailable() {
            super("snapshot is temporarily unavailable");
        }
    }
}
