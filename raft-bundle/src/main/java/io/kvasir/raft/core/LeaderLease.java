package io.kvasir.raft.core;

/**
 * A leader's lease, counted in its own ticks (thesis §6.4.1). The lease rests on check-quorum: a
 * follower that heard from the leader less than an election timeout ago ignores vote requests and
 * does not campaign. So once a quorum acknowledged messages the leader sent at tick {@code t}, no
 * other leader can be elected before {@code t + electionTick} on their clocks, and the leader may
 * serve reads alone until {@code t + electionTick - driftMargin} on its own.
 *
 * <p>The start is the time messages were <em>sent</em>, never the time acknowledgements arrived:
 * an acknowledgement may be arbitrarily old. Two sources prove a quorum heard the leader after a
 * known tick: the commit of an entry appended at that tick (followers acknowledge an entry only
 * after receiving it), and a ReadIndex heartbeat round started at that tick.
 *
 * <p>The lease is void, for the rest of the term, after any sign of a newer term and after the
 * leader sends a TimeoutNow (its transferee will campaign without waiting for leases to run out).
 */
final class LeaderLease {

    private final long durationTicks;
    /** Ticks this node has been leader. */
    private long now;
    /** Lease valid while {@code now < expiry}. */
    private long expiry = Long.MIN_VALUE;
    private boolean voided;
    /** Pairs (index, tick) of entries appended this term and not yet committed, one per tick, ascending. */
    private long[] pendingIndex = new long[16];
    private long[] pendingTick = new long[16];
    private int pendingHead;
    private int pendingCount;

    LeaderLease(int electionTick, int driftMarginTicks) {
        this.durationTicks = electionTick - driftMarginTicks;
    }

    void tick() {
        now++;
    }

    long now() {
        return now;
    }

    /** An entry at {@code index} was appended now. */
    void onAppend(long index) {
        int n = pendingCount;
        if (n > 0) {
            int last = (pendingHead + n - 1) % pendingIndex.length;
            if (pendingTick[last] == now) {
                pendingIndex[last] = index;
                return;
            }
        }
        if (n == pendingIndex.length) {
            grow();
        }
        int at = (pendingHead + n) % pendingIndex.length;
        pendingIndex[at] = index;
        pendingTick[at] = now;
        pendingCount++;
    }

    /** The commit index reached {@code committed}: a quorum acknowledged everything appended up to it. */
    void onCommit(long committed) {
        long start = Long.MIN_VALUE;
        while (pendingCount > 0 && pendingIndex[pendingHead] <= committed) {
            start = pendingTick[pendingHead];
            pendingHead = (pendingHead + 1) % pendingIndex.length;
            pendingCount--;
        }
        if (start != Long.MIN_VALUE) {
            extend(start);
        }
    }

    /** A quorum acknowledged heartbeats sent at or after {@code startTick}. */
    void onQuorumHeard(long startTick) {
        extend(startTick);
    }

    /** A single-voter group needs nobody: the lease is always held. */
    void holdAlone() {
        extend(now + 1);
    }

    /** Voids the lease for the rest of this term. */
    void voidLease() {
        voided = true;
    }

    LeaseStatus status() {
        return new LeaseStatus(now, voided ? Long.MIN_VALUE : expiry, durationTicks);
    }

    boolean valid() {
        return !voided && now < expiry;
    }

    private void extend(long startTick) {
        long candidate = startTick + durationTicks;
        if (candidate > expiry) {
            expiry = candidate;
        }
    }

    private void grow() {
        long[] idx = new long[pendingIndex.length * 2];
        long[] tk = new long[pendingTick.length * 2];
        for (int i = 0; i < pendingCount; i++) {
            idx[i] = pendingIndex[(pendingHead + i) % pendingIndex.length];
            tk[i] = pendingTick[(pendingHead + i) % pendingTick.length];
        }
        pendingIndex = idx;
        pendingTick = tk;
        pendingHead = 0;
    }

    @Override
    public String toString() {
        return voided ? "lease(void)" : valid() ? "lease(until " + expiry + ", now " + now + ")" : "lease(expired)";
    }
}
