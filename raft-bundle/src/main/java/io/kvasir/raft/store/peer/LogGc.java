package io.kvasir.raft.store.peer;

/**
 * When to compact a region's Raft log (TiKV's {@code raft_log_gc} tick, decided locally): once
 * more than {@link PeerDriverConfig#raftLogGcCountLimit()} applied entries are held, discard all
 * but the last {@link PeerDriverConfig#raftLogGcKeepEntries()} of them. Only applied entries go:
 * a restart replays from the applied index, and nothing before it is read again.
 *
 * <p>TODO(peer): with replicas on other stores, compact no further than the slowest healthy
 * follower's match index, and agree on the index through the log (TiKV's CompactLog admin
 * command) so that every replica truncates alike.
 */
final class LogGc {

    private LogGc() {
    }

    /** The index to compact up to (inclusive), or 0 when the log is short enough. */
    static long compactIndex(long firstIndex, long appliedIndex, PeerDriverConfig config) {
        long held = appliedIndex - firstIndex + 1;
        if (held <= config.raftLogGcCountLimit()) {
            return 0;
        }
        return appliedIndex - config.raftLogGcKeepEntries();
    }
}
