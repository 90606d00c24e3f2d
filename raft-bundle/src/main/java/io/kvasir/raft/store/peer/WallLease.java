package io.kvasir.raft.store.peer;

import io.kvasir.raft.core.LeaseStatus;

/**
 * Turns a leader's lease, which the Raft core counts in ticks, into a deadline on the monotonic
 * clock, so that reads can be served from the lease by threads that never wait for the Raft loop
 * (TiKV's {@code LocalReader} and its {@code RemoteLease}).
 *
 * <p>Why not simply {@code now + remaining ticks}: ticks stop while the process is paused (GC, a
 * stalled disk) and real time does not. A leader paused past its lease counts no ticks, while its
 * followers keep counting and elect someone else; on waking it would still see ticks to spare.
 * So the deadline is dated from the wall time of the lease's start tick — when the messages a
 * quorum acknowledged were sent — plus the lease's length, and a pause only shortens it.
 *
 * <p>It records the monotonic time of each leader tick; tick 0 is dated by the last tick before
 * this peer became leader, earlier than any message it sent as leader. Driver thread only.
 */
final class WallLease {

    private final long tickNanos;
    private final long[] tickTimes;
    private long lastTickNanos;
    /** The leader tick whose time is recorded last, or -1 when not leading. */
    private long recordedUpTo = -1;

    WallLease(long tickNanos, int electionTick, long nowNanos) {
        this.tickNanos = tickNanos;
        this.tickTimes = new long[electionTick + 2];
        this.lastTickNanos = nowNanos;
    }

    /** The peer ticked at {@code nowNanos}; {@code lease} is its lease after the tick, null when not leading. */
    void ticked(long nowNanos, LeaseStatus lease, boolean leader) {
        record(lease, leader);
        if (leader && lease != null) {
            tickTimes[slot(lease.now())] = nowNanos;
            recordedUpTo = lease.now();
        }
        lastTickNanos = nowNanos;
    }

    /**
     * The monotonic time until which {@code lease} allows reads, or {@link Long#MIN_VALUE} when
     * it allows none (no lease, or its start is no longer recorded).
     */
    long deadline(LeaseStatus lease, boolean leader) {
        record(lease, leader);
        if (!leader || lease == null || !lease.valid()) {
            return Long.MIN_VALUE;
        }
        long start = lease.startTick();
        if (start > recordedUpTo || start < recordedUpTo - tickTimes.length + 1 || start < 0) {
            return Long.MIN_VALUE;
        }
        return tickTimes[slot(start)] + lease.durationTicks() * tickNanos;
    }

    private void record(LeaseStatus lease, boolean leader) {
        if (!leader) {
            recordedUpTo = -1;
            return;
        }
        if (recordedUpTo < 0) {
            // Leading since the last tick: date tick 0 by that tick, which came before.
            tickTimes[0] = lastTickNanos;
            recordedUpTo = 0;
        }
    }

    private int slot(long tick) {
        return (int) (tick % tickTimes.length);
    }
}
