package io.kvasir.raft.store.peer;

import io.kvasir.raft.core.FollowerProposals;
import io.kvasir.raft.core.RaftConfig;

/**
 * The knobs of a {@link PeerDriver}, with TiKV's names and defaults where TiKV has them. Built by
 * {@link #builder()}, validated by {@link Builder#build()}.
 *
 * @param raft                 the Raft settings every peer uses (ticks, pre-vote, check-quorum,
 *                             message sizes); its id is ignored, each peer gets its own. Proposals
 *                             at followers are always refused, whatever it says, as in TiKV.
 * @param tickMillis           real time per Raft tick ({@code raft-base-tick-interval}); default 1 s
 * @param raftEntryMaxSize     the largest command accepted, in serialized bytes
 *                             ({@code raft-entry-max-size}); default 8 MiB
 * @param raftLogGcCountLimit  log GC starts once more than this many applied entries are held
 *                             ({@code raft-log-gc-count-limit}); default 1000
 * @param raftLogGcKeepEntries how many applied entries GC leaves, so a follower a little behind
 *                             is fed from the log rather than by a snapshot; default 16
 * @param entryCacheCapacity   recent entries of each region kept in memory; default 512
 * @param maxPeerDownMillis    a leader reports a peer down to PD once it has not heard from it for
 *                             this long ({@code max-peer-down-duration}); default 10 min
 * @param mergeMaxLogGap       a leader proposes PrepareMerge only when no peer lacks more than this
 *                             many of its entries ({@code merge-max-log-gap}); default 10
 * @param mergeCheckTickMillis how often a region being merged checks on its target
 *                             ({@code merge-check-tick-interval}); default 2 s
 * @param storePoolSize        raft pollers: threads that run peers and write their logs
 *                             ({@code store-pool-size}); default 2
 * @param applyPoolSize        apply pollers: threads that apply committed entries
 *                             ({@code apply-pool-size}); default 2
 * @param storeMaxBatchSize    most peers a raft poller takes at once, all of whose log writes share
 *                             one synced write ({@code store-max-batch-size}); default 256
 * @param applyMaxBatchSize    most regions an apply poller takes at once ({@code apply-max-batch-size}); default 256
 */
public record PeerDriverConfig(RaftConfig raft, long tickMillis, long raftEntryMaxSize, long raftLogGcCountLimit,
        long raftLogGcKeepEntries, int entryCacheCapacity, long maxPeerDownMillis, long mergeMaxLogGap,
        long mergeCheckTickMillis, int storePoolSize, int applyPoolSize, int storeMaxBatchSize, int applyMaxBatchSize) {

    public static final long DEFAULT_TICK_MILLIS = 1000;
    public static final long DEFAULT_RAFT_ENTRY_MAX_SIZE = 8L << 20;
    public static final long DEFAULT_RAFT_LOG_GC_COUNT_LIMIT = 1000;
    public static final long DEFAULT_RAFT_LOG_GC_KEEP_ENTRIES = 16;
    public static final int DEFAULT_ENTRY_CACHE_CAPACITY = 512;
    public static final long DEFAULT_MAX_PEER_DOWN_MILLIS = 10 * 60 * 1000;
    public static final long DEFAULT_MERGE_MAX_LOG_GAP = 10;
    public static final long DEFAULT_MERGE_CHECK_TICK_MILLIS = 2000;
    public static final int DEFAULT_STORE_POOL_SIZE = 2;
    public static final int DEFAULT_APPLY_POOL_SIZE = 2;
    public static final int DEFAULT_MAX_BATCH_SIZE = 256;

    public PeerDriverConfig {
        require(raft != null, "raft settings must not be null");
        require(tickMillis > 0, "tickMillis must be positive, was " + tickMillis);
        require(raftEntryMaxSize > 0, "raftEntryMaxSize must be positive, was " + raftEntryMaxSize);
        require(raftLogGcCountLimit > 0, "raftLogGcCountLimit must be positive, was " + raftLogGcCountLimit);
        require(raftLogGcKeepEntries >= 0 && raftLogGcKeepEntries < raftLogGcCountLimit,
                "raftLogGcKeepEntries must be in [0, raftLogGcCountLimit=" + raftLogGcCountLimit + "), was "
                        + raftLogGcKeepEntries);
        require(entryCacheCapacity > 0, "entryCacheCapacity must be positive, was " + entryCacheCapacity);
        require(maxPeerDownMillis > 0, "maxPeerDownMillis must be positive, was " + maxPeerDownMillis);
        require(mergeMaxLogGap > 0, "mergeMaxLogGap must be positive, was " + mergeMaxLogGap);
        require(mergeCheckTickMillis > 0, "mergeCheckTickMillis must be positive, was " + mergeCheckTickMillis);
        require(storePoolSize > 0, "storePoolSize must be positive, was " + storePoolSize);
        require(applyPoolSize > 0, "applyPoolSize must be positive, was " + applyPoolSize);
        require(storeMaxBatchSize > 0, "storeMaxBatchSize must be positive, was " + storeMaxBatchSize);
        require(applyMaxBatchSize > 0, "applyMaxBatchSize must be positive, was " + applyMaxBatchSize);
    }

    /**
     * The largest log gap a PrepareMerge accepts: {@link #mergeMaxLogGap}, but never more than log
     * GC leaves behind the applied index, so the entries a merge carries are still in the log of
     * every replica that proposes its CommitMerge.
     */
    long effectiveMergeLogGap() {
        return Math.min(mergeMaxLogGap, Math.max(0, raftLogGcKeepEntries - 1));
    }

    /** {@link #mergeCheckTickMillis} in ticks, at least one. */
    long mergeCheckTicks() {
        return Math.max(1, mergeCheckTickMillis / tickMillis);
    }

    /** {@link #maxPeerDownMillis} in ticks, at least one. */
    long maxPeerDownTicks() {
        return Math.max(1, maxPeerDownMillis / tickMillis);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Raft config of peer {@code peerId}, which restarts having applied {@code applied}. */
    RaftConfig raftConfigFor(long peerId, long applied) {
        return RaftConfig.builder(peerId)
                .electionTick(raft.electionTick())
                .heartbeatTick(raft.heartbeatTick())
                .maxInflightMsgs(raft.maxInflightMsgs())
                .maxSizePerMsg(raft.maxSizePerMsg())
                .maxUncommittedSize(raft.maxUncommittedSize())
                .preVote(raft.preVote())
                .checkQuorum(raft.checkQuorum())
                .leaseClockDriftMarginTicks(raft.leaseClockDriftMarginTicks())
                .readOnlyOption(raft.readOnlyOption())
                // A follower refuses: the client must learn who leads (not_leader), as in TiKV.
                .followerProposals(FollowerProposals.REJECT)
                .applied(applied)
                .build();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Builds a {@link PeerDriverConfig}; every field starts at its default. */
    public static final class Builder {
        private RaftConfig raft = RaftConfig.builder(1).build();
        private long tickMillis = DEFAULT_TICK_MILLIS;
        private long raftEntryMaxSize = DEFAULT_RAFT_ENTRY_MAX_SIZE;
        private long raftLogGcCountLimit = DEFAULT_RAFT_LOG_GC_COUNT_LIMIT;
        private long raftLogGcKeepEntries = DEFAULT_RAFT_LOG_GC_KEEP_ENTRIES;
        private int entryCacheCapacity = DEFAULT_ENTRY_CACHE_CAPACITY;
        private long maxPeerDownMillis = DEFAULT_MAX_PEER_DOWN_MILLIS;
        private long mergeMaxLogGap = DEFAULT_MERGE_MAX_LOG_GAP;
        private long mergeCheckTickMillis = DEFAULT_MERGE_CHECK_TICK_MILLIS;
        private int storePoolSize = DEFAULT_STORE_POOL_SIZE;
        private int applyPoolSize = DEFAULT_APPLY_POOL_SIZE;
        private int storeMaxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int applyMaxBatchSize = DEFAULT_MAX_BATCH_SIZE;

        private Builder() {
        }

        public Builder raft(RaftConfig settings) {
            this.raft = settings;
            return this;
        }

        public Builder tickMillis(long millis) {
            this.tickMillis = millis;
            return this;
        }

        public Builder raftEntryMaxSize(long bytes) {
            this.raftEntryMaxSize = bytes;
            return this;
        }

        public Builder raftLogGcCountLimit(long entries) {
            this.raftLogGcCountLimit = entries;
            return this;
        }

        public Builder raftLogGcKeepEntries(long entries) {
            this.raftLogGcKeepEntries = entries;
            return this;
        }

        public Builder entryCacheCapacity(int entries) {
            this.entryCacheCapacity = entries;
            return this;
        }

        public Builder maxPeerDownMillis(long millis) {
            this.maxPeerDownMillis = millis;
            return this;
        }

        public Builder mergeMaxLogGap(long entries) {
            this.mergeMaxLogGap = entries;
            return this;
        }

        public Builder mergeCheckTickMillis(long millis) {
            this.mergeCheckTickMillis = millis;
            return this;
        }

        public Builder storePoolSize(int threads) {
            this.storePoolSize = threads;
            return this;
        }

        public Builder applyPoolSize(int threads) {
            this.applyPoolSize = threads;
            return this;
        }

        public Builder storeMaxBatchSize(int peers) {
            this.storeMaxBatchSize = peers;
            return this;
        }

        public Builder applyMaxBatchSize(int regions) {
            this.applyMaxBatchSize = regions;
            return this;
        }

        public PeerDriverConfig build() {
            return new PeerDriverConfig(raft, tickMillis, raftEntryMaxSize, raftLogGcCountLimit, raftLogGcKeepEntries,
                    entryCacheCapacity, maxPeerDownMillis, mergeMaxLogGap, mergeCheckTickMillis, storePoolSize,
                    applyPoolSize, storeMaxBatchSize, applyMaxBatchSize);
        }
    }
}
