package io.kvasir.raft.core;

/**
 * How a leader replicates to one follower (etcd {@code tracker/state.go}).
 *
 * <pre>
 *   PROBE ──ack──▶ REPLICATE          PROBE: one append at a time, until the follower's match is found
 *     ▲   ◀──reject/unreachable──┘    REPLICATE: pipelined appends, up to maxInflightMsgs in flight
 *     │                               SNAPSHOT: the log the follower needs is compacted; a snapshot
 *     └──snapshot done/failed── SNAPSHOT        is on its way and nothing else is sent
 * </pre>
 */
public enum ProgressState {
    PROBE,
    REPLICATE,
    SNAPSHOT
}
