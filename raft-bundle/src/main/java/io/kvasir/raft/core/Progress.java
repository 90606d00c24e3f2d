package io.kvasir.raft.core;

/**
 * A leader's view of one peer's log (etcd {@code tracker/progress.go}): {@code match} is the
 * highest index known to be replicated there, {@code next} the next index to send.
 *
 * <p>Invariants, checked after each change: {@code 0 <= match < next}; in {@link ProgressState#SNAPSHOT}
 * a pending snapshot index is recorded.
 */
final class Progress {

    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** In SNAPSHOT: the index of the snapshot sent. */
    private long pendingSnapshot;
    /** Heard from since the last check-quorum round. */
    private boolean recentActive;
    /**
     * In PROBE: a probe is outstanding, send nothing more until a response or heartbeat response.
     * In REPLICATE: the inflights window is full.
     */
    private boolean msgAppFlowPaused;
    private final Inflights inflights;
    private boolean learner;
    /** The leader's tick count when it last heard from this peer; long ago if never. */
    private long lastHeardTick = Long.MIN_VALUE / 2;

    Progress(long match, long next, int maxInflight, boolean learner) {
        this.match = match;
        this.next = next;
        this.inflights = new Inflights(maxInflight);
        this.learner = learner;
        checkInvariants();
    }

    private Progress(Progress o) {
        this.match = o.match;
        this.next = o.next;
        this.state = o.state;
        this.pendingSnapshot = o.pendingSnapshot;
        this.recentActive = o.recentActive;
        this.msgAppFlowPaused = o.msgAppFlowPaused;
        this.inflights = o.inflights.copy();
        this.learner = o.learner;
        this.lastHeardTick = o.lastHeardTick;
    }

    Progress copy() {
        return new Progress(this);
    }

    long match() {
        return match;
    }

    long next() {
        return next;
    }

    ProgressState state() {
        return state;
    }

    long pendingSnapshot() {
        return pendingSnapshot;
    }

    boolean recentActive() {
        return recentActive;
    }

    void setRecentActive(boolean active) {
        this.recentActive = active;
    }

    boolean isLearner() {
        return learner;
    }

    void setLearner(boolean learner) {
        this.learner = learner;
    }

    Inflights inflights() {
        return inflights;
    }

    boolean msgAppFlowPaused() {
        return msgAppFlowPaused;
    }

    /** The peer answered at leader tick {@code now}. */
    void heardAt(long now) {
        recentActive = true;
        lastHeardTick = now;
    }

    /** Whether the peer answered within {@code window} ticks before {@code now}. */
    boolean heardWithin(long now, long window) {
        return now - lastHeardTick < window;
    }

    /**
     * A heartbeat response arrived: the peer is reachable, so send again even if a probe is
     * outstanding or the window is full (then an empty append goes out, whose answer frees the
     * window if the appends in it were lost).
     */
    void unpause() {
        msgAppFlowPaused = false;
    }

    /** Whether the leader should hold back appends to this peer. */
    boolean isPaused() {
        return switch (state) {
            case PROBE, REPLICATE -> msgAppFlowPaused;
            case SNAPSHOT -> true;
        };
    }

    /** Records that an append of {@code entries} entries ending at {@code lastIndex} was sent. */
    void sentEntries(int entries, long lastIndex) {
        switch (state) {
            case REPLICATE -> {
                if (entries > 0) {
                    next = lastIndex + 1;
                    inflights.add(lastIndex);
                }
                msgAppFlowPaused = inflights.full();
            }
            // Any append in PROBE is a probe: wait for its answer (or a heartbeat response).
            case PROBE -> msgAppFlowPaused = true;
            case SNAPSHOT -> throw new IllegalStateException("sending entries in state SNAPSHOT: " + this);
        }
        checkInvariants();
    }

    /**
     * The peer acknowledged index {@code n}: raise match and next. Returns whether match rose
     * (a stale acknowledgement returns false).
     */
    boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            msgAppFlowPaused = false;
        }
        next = Math.max(next, n + 1);
        checkInvariants();
        return updated;
    }

    /**
     * The peer rejected an append whose previous index was {@code rejected}, hinting that its log
     * may match up to {@code matchHint}. Returns false for a stale rejection, which changes nothing.
     */
    boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false; // stale: we already know it matches past there
            }
            next = match + 1; // probe from the known match again
            checkInvariants();
            return true;
        }
        if (next - 1 != rejected) {
            return false; // an answer to an older probe
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        msgAppFlowPaused = false;
        checkInvariants();
        return true;
    }

    void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long pending = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, pending + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
        checkInvariants();
    }

    void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
        checkInvariants();
    }

    void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
        checkInvariants();
    }

    /** The snapshot was delivered: probe from after it, once the follower's response arrives. */
    void snapshotDone() {
        becomeProbe();
        msgAppFlowPaused = true;
    }

    /** The snapshot was not delivered: forget it, and wait for a heartbeat response before probing. */
    void snapshotFailed() {
        pendingSnapshot = 0;
        becomeProbe();
        msgAppFlowPaused = true;
    }

    private void resetState(ProgressState s) {
        msgAppFlowPaused = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    private void checkInvariants() {
        if (match < 0 || next <= match) {
            throw new IllegalStateException("progress invariant 0 <= match < next violated: " + this);
        }
        if (state == ProgressState.SNAPSHOT && pendingSnapshot <= 0) {
            throw new IllegalStateException("progress in SNAPSHOT without a pending snapshot: " + this);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(state).append(" match=").append(match).append(" next=").append(next);
        if (learner) {
            sb.append(" learner");
        }
        if (msgAppFlowPaused) {
            sb.append(" paused");
        }
        if (pendingSnapshot > 0) {
            sb.append(" pendingSnap=").append(pendingSnapshot);
        }
        if (!recentActive) {
            sb.append(" inactive");
        }
        if (inflights.count() > 0) {
            sb.append(" inflight=").append(inflights.count());
            if (inflights.full()) {
                sb.append("[full]");
            }
        }
        return sb.toString();
    }
}
