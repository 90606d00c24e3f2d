package io.kvasir.raft.core;

/**
 * Everything the core can be told, with documented defaults. Built by {@link #builder(long)}; the
 * builder validates the combination, so a {@code RaftConfig} is always usable.
 *
 * <p>Times are in ticks: the core has no clock, the caller calls {@link RawNode#tick()} at a fixed
 * interval (TiKV: {@code raft-base-tick-interval}, 1 s by default; etcd: 100 ms).
 */
public final class RaftConfig {

    /** Default {@link #electionTick()}: 10 ticks, as etcd and TiKV. */
    public static final int DEFAULT_ELECTION_TICK = 10;
    /** Default {@link #heartbeatTick()}: 2 ticks, as TiKV. */
    public static final int DEFAULT_HEARTBEAT_TICK = 2;
    /** Default {@link #maxInflightMsgs()}: 256 append messages in flight per follower, as TiKV. */
    public static final int DEFAULT_MAX_INFLIGHT_MSGS = 256;
    /** Default {@link #maxSizePerMsg()}: 1 MiB of entries per append message, as TiKV. */
    public static final long DEFAULT_MAX_SIZE_PER_MSG = 1L << 20;
    /** Default {@link #leaseClockDriftMarginTicks()}: one tick. */
    public static final int DEFAULT_LEASE_CLOCK_DRIFT_MARGIN_TICKS = 1;

    private final long id;
    private final int electionTick;
    private final int heartbeatTick;
    private final int maxInflightMsgs;
    private final long maxSizePerMsg;
    private final long maxUncommittedSize;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final int leaseClockDriftMarginTicks;
    private final ReadOnlyOption readOnlyOption;
    private final FollowerProposals followerProposals;
    private final long applied;
    private final RandomSource random;
    private final BrokenRule brokenRule;

    private RaftConfig(Builder b) {
        this.id = b.id;
        this.electionTick = b.electionTick;
        this.heartbeatTick = b.heartbeatTick;
        this.maxInflightMsgs = b.maxInflightMsgs;
        this.maxSizePerMsg = b.maxSizePerMsg;
        this.maxUncommittedSize = b.maxUncommittedSize;
        this.preVote = b.preVote;
        this.checkQuorum = b.checkQuorum;
        this.leaseClockDriftMarginTicks = b.leaseClockDriftMarginTicks;
        this.readOnlyOption = b.readOnlyOption;
        this.followerProposals = b.followerProposals;
        this.applied = b.applied;
        this.random = b.random != null ? b.random : RandomSource.seeded(b.id);
        this.brokenRule = b.brokenRule;
    }

    /** A builder for the node {@code id} (non-zero; 0 means "nobody" on the wire). */
    public static Builder builder(long id) {
        return new Builder(id);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.electionTick = electionTick;
        b.heartbeatTick = heartbeatTick;
        b.maxInflightMsgs = maxInflightMsgs;
        b.maxSizePerMsg = maxSizePerMsg;
        b.maxUncommittedSize = maxUncommittedSize;
        b.preVote = preVote;
        b.checkQuorum = checkQuorum;
        b.leaseClockDriftMarginTicks = leaseClockDriftMarginTicks;
        b.readOnlyOption = readOnlyOption;
        b.followerProposals = followerProposals;
        b.applied = applied;
        b.random = random;
        b.brokenRule = brokenRule;
        return b;
    }

    /** This node's id; non-zero. */
    public long id() {
        return id;
    }

    /**
     * Ticks a follower waits without hearing from a leader before it campaigns. The actual timeout
     * is drawn from {@code [electionTick, 2 * electionTick)} each time, to split votes rarely
     * (thesis §3.4). Default {@value #DEFAULT_ELECTION_TICK}.
     */
    public int electionTick() {
        return electionTick;
    }

    /** Ticks between a leader's heartbeats; less than {@link #electionTick()}. Default {@value #DEFAULT_HEARTBEAT_TICK}. */
    public int heartbeatTick() {
        return heartbeatTick;
    }

    /**
     * Append messages a leader keeps in flight to one follower in the replicate state before it
     * waits for acknowledgements: the pipelining window. Default {@value #DEFAULT_MAX_INFLIGHT_MSGS}.
     */
    public int maxInflightMsgs() {
        return maxInflightMsgs;
    }

    /**
     * Upper bound, in serialized bytes, of the entries in one append message; a message always
     * carries at least one entry when it carries any. Default 1 MiB.
     */
    public long maxSizePerMsg() {
        return maxSizePerMsg;
    }

    /**
     * Upper bound, in payload bytes, of the entries a leader has appended but not yet committed;
     * proposals past it are dropped, so a leader cut off from its quorum does not grow without
     * bound. A single proposal is always accepted when nothing is uncommitted. Default: unlimited.
     */
    public long maxUncommittedSize() {
        return maxUncommittedSize;
    }

    /**
     * Pre-vote (thesis §9.6): before raising its term a would-be candidate asks whether it could win,
     * so a node rejoining from a partition does not depose a healthy leader. Default on.
     */
    public boolean preVote() {
        return preVote;
    }

    /**
     * Check-quorum (thesis §6.2): a leader that has not heard from a quorum within an election
     * timeout steps down, and a follower that heard from a leader within an election timeout
     * ignores vote requests. Required by lease reads. Default on.
     */
    public boolean checkQuorum() {
        return checkQuorum;
    }

    /**
     * How many ticks of clock drift between nodes a leader lease allows for. A lease lasts
     * {@code electionTick - leaseClockDriftMarginTicks} ticks from the moment the leader sent the
     * messages a quorum acknowledged (thesis §6.4.1). Less than {@link #electionTick()}. Default
     * {@value #DEFAULT_LEASE_CLOCK_DRIFT_MARGIN_TICKS}.
     */
    public int leaseClockDriftMarginTicks() {
        return leaseClockDriftMarginTicks;
    }

    /** How reads are confirmed. Default {@link ReadOnlyOption#SAFE}. */
    public ReadOnlyOption readOnlyOption() {
        return readOnlyOption;
    }

    /** What a follower does with proposals. Default {@link FollowerProposals#FORWARD}. */
    public FollowerProposals followerProposals() {
        return followerProposals;
    }

    /**
     * The last index the application had applied when it restarted; committed entries after it
     * are handed out again. 0 (the default) means "from the storage's snapshot".
     */
    public long applied() {
        return applied;
    }

    /** The randomness of election timeouts. Default: seeded with the node id (deterministic). */
    public RandomSource random() {
        return random;
    }

    BrokenRule brokenRule() {
        return brokenRule;
    }

    @Override
    public String toString() {
        return "RaftConfig{id=" + id + ", electionTick=" + electionTick + ", heartbeatTick=" + heartbeatTick
                + ", maxInflightMsgs=" + maxInflightMsgs + ", maxSizePerMsg=" + maxSizePerMsg
                + ", maxUncommittedSize=" + maxUncommittedSize + ", preVote=" + preVote
                + ", checkQuorum=" + checkQuorum + ", leaseClockDriftMarginTicks=" + leaseClockDriftMarginTicks
                + ", readOnlyOption=" + readOnlyOption + ", followerProposals=" + followerProposals
                + ", applied=" + applied + (brokenRule == BrokenRule.NONE ? "" : ", BROKEN=" + brokenRule) + "}";
    }

    /** Builds a {@link RaftConfig}; {@link #build()} validates. */
    public static final class Builder {
        private final long id;
        private int electionTick = DEFAULT_ELECTION_TICK;
        private int heartbeatTick = DEFAULT_HEARTBEAT_TICK;
        private int maxInflightMsgs = DEFAULT_MAX_INFLIGHT_MSGS;
        private long maxSizePerMsg = DEFAULT_MAX_SIZE_PER_MSG;
        private long maxUncommittedSize = Long.MAX_VALUE;
        private boolean preVote = true;
        private boolean checkQuorum = true;
        private int leaseClockDriftMarginTicks = DEFAULT_LEASE_CLOCK_DRIFT_MARGIN_TICKS;
        private ReadOnlyOption readOnlyOption = ReadOnlyOption.SAFE;
        private FollowerProposals followerProposals = FollowerProposals.FORWARD;
        private long applied;
        private RandomSource random;
        private BrokenRule brokenRule = BrokenRule.NONE;

        private Builder(long id) {
            this.id = id;
        }

        public Builder electionTick(int ticks) {
            this.electionTick = ticks;
            return this;
        }

        public Builder heartbeatTick(int ticks) {
            this.heartbeatTick = ticks;
            return this;
        }

        public Builder maxInflightMsgs(int messages) {
            this.maxInflightMsgs = messages;
            return this;
        }

        public Builder maxSizePerMsg(long bytes) {
            this.maxSizePerMsg = bytes;
            return this;
        }

        public Builder maxUncommittedSize(long bytes) {
            this.maxUncommittedSize = bytes;
            return this;
        }

        public Builder preVote(boolean on) {
            this.preVote = on;
            return this;
        }

        public Builder checkQuorum(boolean on) {
            this.checkQuorum = on;
            return this;
        }

        public Builder leaseClockDriftMarginTicks(int ticks) {
            this.leaseClockDriftMarginTicks = ticks;
            return this;
        }

        public Builder readOnlyOption(ReadOnlyOption option) {
            this.readOnlyOption = option;
            return this;
        }

        public Builder followerProposals(FollowerProposals policy) {
            this.followerProposals = policy;
            return this;
        }

        public Builder applied(long index) {
            this.applied = index;
            return this;
        }

        public Builder random(RandomSource source) {
            this.random = source;
            return this;
        }

        /** Test-only: switch on a deliberately broken rule (see {@link BrokenRule}). */
        Builder brokenRuleForTesting(BrokenRule rule) {
            this.brokenRule = rule;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the bad value. */
        public RaftConfig build() {
            require(id != 0, "id must not be 0 (0 means no node)");
            require(heartbeatTick > 0, "heartbeatTick must be positive, was " + heartbeatTick);
            require(electionTick > heartbeatTick,
                    "electionTick (" + electionTick + ") must be greater than heartbeatTick (" + heartbeatTick + ")");
            require(maxInflightMsgs > 0, "maxInflightMsgs must be positive, was " + maxInflightMsgs);
            require(maxSizePerMsg > 0, "maxSizePerMsg must be positive, was " + maxSizePerMsg);
            require(maxUncommittedSize > 0, "maxUncommittedSize must be positive, was " + maxUncommittedSize);
            require(leaseClockDriftMarginTicks >= 0 && leaseClockDriftMarginTicks < electionTick,
                    "leaseClockDriftMarginTicks must be in [0, electionTick=" + electionTick + "), was "
                            + leaseClockDriftMarginTicks);
            require(readOnlyOption != null, "readOnlyOption must not be null");
            require(followerProposals != null, "followerProposals must not be null");
            require(readOnlyOption != ReadOnlyOption.LEASE_BASED || checkQuorum,
                    "readOnlyOption LEASE_BASED needs checkQuorum: followers honour the lease only under check-quorum");
            require(applied >= 0, "applied must not be negative, was " + applied);
            return new RaftConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
