package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A region as its leader just reported it: peers with their roles, the leader, which peers the
 * leader counts as pending (still catching up: a new learner without the log up to its addition,
 * or a peer waiting for a snapshot) or down (not heard from for a while), and the region's
 * approximate size in bytes and keys. Everything the scheduler decides is decided from this, so
 * that a decision depends only on what the store said.
 */
record RegionShape(Metapb.Region region, Metapb.Peer leader, Set<Long> pending, Set<Long> down,
        long approximateSize, long approximateKeys) {

    private static final long MIB = 1L << 20;

    RegionShape {
        pending = Set.copyOf(pending);
        down = Set.copyOf(down);
    }

    static RegionShape of(Pdpb.RegionHeartbeatRequest request) {
        Set<Long> pending = new HashSet<>();
        for (Metapb.Peer p : request.getPendingPeersList()) {
            pending.add(p.getId());
        }
        Set<Long> down = new HashSet<>();
        for (Pdpb.PeerStats s : request.getDownPeersList()) {
            down.add(s.getPeer().getId());
        }
        return new RegionShape(request.getRegion(), request.getLeader(), pending, down,
                unsigned(request.getApproximateSize()), unsigned(request.getApproximateKeys()));
    }

    /** A uint64 from the wire as a non-negative long; beyond 2^63 it is only "very large". */
    private static long unsigned(long value) {
        return value < 0 ? Long.MAX_VALUE : value;
    }

    /**
     * The size in whole MiB, as PD counts it: rounded down, but at least 1 (PD's
     * {@code EmptyRegionApproximateSize}), so that {@code schedule.max-merge-region-size = 0}
     * merges nothing.
     */
    long sizeMib() {
        return Math.max(1, approximateSize / MIB);
    }

    long id() {
        return region.getId();
    }

    Metapb.RegionEpoch epoch() {
        return region.getRegionEpoch();
    }

    /** The peer with {@code peerId}, or null. */
    Metapb.Peer peer(long peerId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getId() == peerId) {
                return p;
            }
        }
        return null;
    }

    /** The region's peer on store {@code storeId}, or null. */
    Metapb.Peer peerOnStore(long storeId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        return null;
    }

    /** Peers in role {@code role}, in the region's order. */
    List<Metapb.Peer> withRole(Metapb.PeerRole role) {
        List<Metapb.Peer> result = new ArrayList<>();
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getRole() == role) {
                result.add(p);
            }
        }
        return result;
    }

    List<Metapb.Peer> voters() {
        return withRole(Metapb.PeerRole.Voter);
    }

    List<Metapb.Peer> learners() {
        return withRole(Metapb.PeerRole.Learner);
    }

    /** Whether a joint configuration is in force: some peer is incoming or demoting. */
    boolean inJoint() {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getRole() == Metapb.PeerRole.IncomingVoter || p.getRole() == Metapb.PeerRole.DemotingVoter) {
                return true;
            }
        }
        return false;
    }

    boolean isLeader(Metapb.Peer p) {
        return p.getId() == leader.getId();
    }

    /** Whether the leader counts {@code p} as pending or down, i.e. not a working follower. */
    boolean isLagging(Metapb.Peer p) {
        return pending.contains(p.getId()) || down.contains(p.getId());
    }

    boolean isPending(Metapb.Peer p) {
        return pending.contains(p.getId());
    }

    boolean isDown(Metapb.Peer p) {
        return down.contains(p.getId());
    }
}
