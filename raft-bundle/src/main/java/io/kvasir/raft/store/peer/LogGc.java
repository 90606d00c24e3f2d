package io.kvasir.raft.store.peer;

/**
 * When to compact a region's Raft log (TiKV's {@code raft_log_gc} tick, decided locally): once
 * more than {@link PeerDriverConfig#raftLogGcCountLimit()} applied entries are held. Only applied
 * entries go: a restart replays from the applied index, and nothing before it is read again.
 *
 * <p>A leader keeps what its followers still need: it compacts to the slowest live follower's
 * match index (less {@link PeerDriverConfig#raftLogGcKeepEntries()}), so a follower a little behind
 * is fed from the log. But when that would free less than half the limit, the follower is too far
 * behind to be worth the log: the leader compacts to its applied index and the follower gets a
 * snapshot. Each replica compacts its own log; Raft needs no agreement on it.
 */
final class LogGc {

    private LogGc() {
    }

    /**
     * The index to compact up to (inclusive), or 0 when the log is short enough.
     *
     * @param replicated the lowest match index among live followers ({@code applied} on a follower);
     *                   asked only when the log is long enough to compact
     */
    static long compactIndex(long firstIndex, long appliedIndex, java.util.function.LongSupplier replicated,
            PeerDriverConfig config) {
        long held = appliedIndex - firstIndex + 1;
        if (held <= config.raftLogGcCountLimit()) {
            return 0;
        }
        long keep = config.raftLogGcKeepEntries();
        long gentle = Math.min(replicated.getAsLong(), appliedIndex) - keep;
        if (gentle - firstIndex + 1 >= config.raftLogGcCountLimit() / 2) {
            return gentle;
        }
        return appliedIndex - keep;
    }
}
