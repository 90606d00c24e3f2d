package io.kvasir.raft.store.peer;

/**
 * The lifecycle of a {@link RegionPeer} (STYLE rule 3: one owner of transitions, a written table,
 * illegal transitions throw). The owner is the peer itself, on the driver thread.
 *
 * <pre>
 *   LIVE   -> FAILED   a storage or internal error fail-stopped the peer; its futures failed
 *   LIVE   -> CLOSED   closed by request or driver shutdown
 *   FAILED -> CLOSED   closed after failing (frees its slot; reopening reloads from disk)
 * </pre>
 */
enum PeerLifecycle {
    LIVE,
    FAILED,
    CLOSED;

    boolean canBecome(PeerLifecycle next) {
        return switch (this) {
            case LIVE -> next == FAILED || next == CLOSED;
            case FAILED -> next == CLOSED;
            case CLOSED -> false;
        };
    }
}
