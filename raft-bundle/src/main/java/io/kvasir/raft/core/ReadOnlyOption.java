package io.kvasir.raft.core;

/** How a leader confirms that it may serve a read (Raft thesis §6.4). */
public enum ReadOnlyOption {
    /**
     * ReadIndex: the leader records its commit index, then confirms it is still leader by a round
     * of heartbeats acknowledged by a quorum before it answers. Safe whatever the clocks do.
     */
    SAFE,
    /**
     * Leader lease: while the leader holds a lease (it heard from a quorum less than an election
     * timeout minus the clock-drift margin ago, see {@link RaftConfig#leaseClockDriftMarginTicks()})
     * it answers at once; without a lease it falls back to {@link #SAFE}, which renews the lease.
     * Relies on bounded clock drift and on check-quorum, which the config therefore requires.
     */
    LEASE_BASED
}
