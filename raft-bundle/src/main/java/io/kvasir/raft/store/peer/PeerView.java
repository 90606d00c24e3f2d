package io.kvasir.raft.store.peer;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.List;

/**
 * What threads other than the driver may know of a region's peer on this store: published by the
 * driver whenever it may have changed, read without waiting for the Raft loop (routing, lease
 * reads, PD heartbeats). Every field is a snapshot of one moment; any may be stale by the time it
 * is read, which is why lease reads compare {@link #leaseDeadlineNanos} with the clock.
 *
 * @param region             the region as this peer applied it (no peers while uninitialized)
 * @param self               this store's peer
 * @param leaderPeerId       the leader as this peer knows it, 0 when unknown
 * @param term               the Raft term
 * @param leaseDeadlineNanos while leading, until when (monotonic clock) reads may be served from
 *                           the engine without asking the group; {@link Long#MIN_VALUE} otherwise
 * @param pendingPeers       while leading: peers still catching up (a snapshot, or the log since
 *                           they were added)
 * @param downPeers          while leading: peers not heard from for {@code max-peer-down-duration}
 * @param mergeTargetId      the region this one is merging into (PrepareMerge applied), 0 when none
 */
public record PeerView(Metapb.Region region, Metapb.Peer self, long leaderPeerId, long term, long leaseDeadlineNanos,
        List<Metapb.Peer> pendingPeers, List<Pdpb.PeerStats> downPeers, long mergeTargetId) {

    public long regionId() {
        return region.getId();
    }

    public boolean isLeader() {
        return leaderPeerId != 0 && leaderPeerId == self.getId();
    }

    /** Whether the peer holds the region's data: false until its first snapshot arrives. */
    public boolean initialized() {
        return region.getPeersCount() > 0;
    }

    /** Whether the view's lease allows a read from the engine at {@code nowNanos}. */
    public boolean leaseValidAt(long nowNanos) {
        return isLeader() && nowNanos - leaseDeadlineNanos < 0 && leaseDeadlineNanos != Long.MIN_VALUE;
    }
}
