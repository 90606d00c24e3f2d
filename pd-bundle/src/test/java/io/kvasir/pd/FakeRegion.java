package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A region as its leader would report it, immutable, that takes PD's steps the way TiKV applies
 * them: each conf change bumps conf_ver by the number of peers it changes (joint enter and leave
 * included), a new learner is pending until {@link #caughtUp()}, a merge command is proposed as
 * PrepareMerge (version and conf_ver + 1), and a step addressed to another epoch or another leader
 * is refused (the test fails, since PD must never send one). It reports its approximate size in
 * bytes and keys; 0 and 0 (an empty region) unless a test sets them.
 */
record FakeRegion(Metapb.Region region, Metapb.Peer leader, Set<Long> pending, Map<Long, Long> down,
        long approximateSize, long approximateKeys) {

    static final long MIB = 1L << 20;

    FakeRegion {
        pending = Set.copyOf(pending);
        down = Map.copyOf(down);
    }

    FakeRegion(Metapb.Region region, Metapb.Peer leader, Set<Long> pending, Map<Long, Long> down) {
        this(region, leader, pending, down, 0, 0);
    }

    static FakeRegion of(Metapb.Region region) {
        return new FakeRegion(region, region.getPeers(0), Set.of(), Map.of());
    }

    Pdpb.RegionHeartbeatRequest request(Pdpb.RequestHeader header) {
        Pdpb.RegionHeartbeatRequest.Builder b = Pdpb.RegionHeartbeatRequest.newBuilder().setHeader(header)
                .setRegion(region).setLeader(leader).setApproximateSize(approximateSize)
                .setApproximateKeys(approximateKeys);
        for (Metapb.Peer p : region.getPeersList()) {
            if (pending.contains(p.getId())) {
                b.addPendingPeers(p);
            }
            if (down.containsKey(p.getId())) {
                b.addDownPeers(Pdpb.PeerStats.newBuilder().setPeer(p).setDownSeconds(down.get(p.getId())));
            }
        }
        return b.build();
    }

    Metapb.Peer peerOnStore(long storeId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        return null;
    }

    /** Store ids of the peers with {@code role}, in peer order. */
    List<Long> storesWithRole(Metapb.PeerRole role) {
        List<Long> stores = new ArrayList<>();
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getRole() == role) {
                stores.add(p.getStoreId());
            }
        }
        return stores;
    }

    FakeRegion caughtUp() {
        return new FakeRegion(region, leader, Set.of(), down, approximateSize, approximateKeys);
    }

    FakeRegion withPending(long peerId) {
        Set<Long> more = new HashSet<>(pending);
        more.add(peerId);
        return new FakeRegion(region, leader, more, down, approximateSize, approximateKeys);
    }

    FakeRegion withDown(long peerId, long seconds) {
        Map<Long, Long> more = new LinkedHashMap<>(down);
        more.put(peerId, seconds);
        return new FakeRegion(region, leader, pending, more, approximateSize, approximateKeys);
    }

    FakeRegion withLeader(Metapb.Peer newLeader) {
        return new FakeRegion(region, newLeader, pending, down, approximateSize,
                approximateKeys);
    }

    /** This region reporting {@code sizeMib} MiB and {@code keys} keys. */
    FakeRegion withSize(long sizeMib, long keys) {
        return new FakeRegion(region, leader, pending, down, sizeMib * MIB, keys);
    }

    /** This region with {@code newRegion}'s metadata (peers, range, epoch), same leader id. */
    FakeRegion withRegion(Metapb.Region newRegion) {
        Metapb.Peer newLeader = leader;
        for (Metapb.Peer p : newRegion.getPeersList()) {
            if (p.getId() == leader.getId()) {
                newLeader = p;
            }
        }
        return new FakeRegion(newRegion, newLeader, pending, down, approximateSize, approximateKeys);
    }

    /** This region with its epoch moved on by {@code versions} and {@code confVers}. */
    FakeRegion bumped(long versions, long confVers) {
        Metapb.RegionEpoch e = region.getRegionEpoch();
        return withRegion(region.toBuilder().setRegionEpoch(Metapb.RegionEpoch.newBuilder()
                .setVersion(e.getVersion() + versions).setConfVer(e.getConfVer() + confVers)).build());
    }

    /** The source after RollbackMerge: one more version (TiKV {@code exec_rollback_merge}). */
    FakeRegion rolledBack() {
        return bumped(1, 0);
    }

    /**
     * This region as the target after CommitMerge of {@code source}: both ranges, a version above
     * both regions' (TiKV {@code exec_commit_merge}), conf_ver unchanged.
     */
    FakeRegion merged(FakeRegion source) {
        Comparator<ByteString> order = ByteString.unsignedLexicographicalComparator();
        Metapb.Region s = source.region();
        // An empty end key means +infinity, never the start of anything.
        boolean sourceIsLeft = !s.getEndKey().isEmpty() && s.getEndKey().equals(region.getStartKey());
        boolean sourceIsRight = !region.getEndKey().isEmpty() && region.getEndKey().equals(s.getStartKey());
        assertTrue(sourceIsLeft || sourceIsRight, "not adjacent: " + s + " " + region);
        long version = Math.max(region.getRegionEpoch().getVersion(), s.getRegionEpoch().getVersion()) + 1;
        Metapb.Region.Builder b = region.toBuilder()
                .setRegionEpoch(region.getRegionEpoch().toBuilder().setVersion(version));
        if (sourceIsLeft) {
            b.setStartKey(s.getStartKey());
        } else {
            b.setEndKey(s.getEndKey());
        }
        assertTrue(b.getEndKey().isEmpty() || order.compare(b.getStartKey(), b.getEndKey()) < 0);
        return new FakeRegion(b.build(), leader, pending, down, approximateSize + source.approximateSize(),
                approximateKeys + source.approximateKeys());
    }

    /** The region after the leader executes {@code response} as TiKV would. */
    FakeRegion apply(Pdpb.RegionHeartbeatResponse response) {
        assertNotNull(response, "expected an operator");
        assertEquals(region.getId(), response.getRegionId());
        assertEquals(region.getRegionEpoch(), response.getRegionEpoch(), "the operator must carry the reported epoch");
        assertEquals(leader, response.getTargetPeer(), "the operator must be addressed to the leader");
        if (response.hasTransferLeader()) {
            Metapb.Peer to = peer(response.getTransferLeader().getPeer().getId());
            assertEquals(Metapb.PeerRole.Voter, to.getRole());
            return new FakeRegion(region, to, pending, down, approximateSize, approximateKeys);
        }
        if (response.hasMerge()) {
            // PrepareMerge: TiKV bumps both version and conf_ver of the source.
            return bumped(1, 1);
        }
        if (response.hasChangePeer()) {
            return change(List.of(response.getChangePeer()), false);
        }
        assertTrue(response.hasChangePeerV2(), "no command in " + response);
        List<Pdpb.ChangePeer> changes = response.getChangePeerV2().getChangesList();
        return changes.isEmpty() ? leaveJoint() : change(changes, true);
    }

    private Metapb.Peer peer(long id) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getId() == id) {
                return p;
            }
        }
        throw new AssertionError("no peer " + id + " in " + region);
    }

    private FakeRegion change(List<Pdpb.ChangePeer> changes, boolean joint) {
        Map<Long, Metapb.Peer> peers = new LinkedHashMap<>();
        for (Metapb.Peer p : region.getPeersList()) {
            peers.put(p.getId(), p);
        }
        Set<Long> newPending = new HashSet<>(pending);
        for (Pdpb.ChangePeer c : changes) {
            Metapb.Peer p = c.getPeer();
            Metapb.Peer old = peers.get(p.getId());
            if (c.getChangeType() == Eraftpb.ConfChangeType.AddLearnerNode) {
                if (old == null) {
                    assertTrue(!joint, "a joint change only changes roles here");
                    assertEquals(Metapb.PeerRole.Learner, p.getRole());
                    peers.put(p.getId(), p);
                    newPending.add(p.getId());
                } else {
                    assertEquals(Metapb.PeerRole.Voter, old.getRole(), "only a voter is demoted");
                    peers.put(p.getId(), role(old, joint ? Metapb.PeerRole.DemotingVoter : Metapb.PeerRole.Learner));
                }
            } else if (c.getChangeType() == Eraftpb.ConfChangeType.AddNode) {
                assertNotNull(old, "promote only existing learners");
                assertEquals(Metapb.PeerRole.Learner, old.getRole());
                peers.put(p.getId(), role(old, joint ? Metapb.PeerRole.IncomingVoter : Metapb.PeerRole.Voter));
            } else {
                assertNotNull(old, "remove only existing peers");
                assertTrue(old.getId() != leader.getId(), "TiKV refuses to remove the leader");
                peers.remove(p.getId());
                newPending.remove(p.getId());
            }
        }
        return withPeers(peers.values(), changes.size(), newPending);
    }

    private FakeRegion leaveJoint() {
        List<Metapb.Peer> peers = new ArrayList<>();
        int changed = 0;
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getRole() == Metapb.PeerRole.IncomingVoter) {
                peers.add(role(p, Metapb.PeerRole.Voter));
                changed++;
            } else if (p.getRole() == Metapb.PeerRole.DemotingVoter) {
                peers.add(role(p, Metapb.PeerRole.Learner));
                changed++;
            } else {
                peers.add(p);
            }
        }
        assertTrue(changed > 0, "leave joint outside a joint state");
        return withPeers(peers, changed, pending);
    }

    private static Metapb.Peer role(Metapb.Peer p, Metapb.PeerRole role) {
        return p.toBuilder().setRole(role).build();
    }

    private FakeRegion withPeers(Iterable<Metapb.Peer> peers, int confChanges, Set<Long> newPending) {
        Metapb.Region.Builder b = region.toBuilder().clearPeers();
        peers.forEach(b::addPeers);
        b.setRegionEpoch(region.getRegionEpoch().toBuilder()
                .setConfVer(region.getRegionEpoch().getConfVer() + confChanges));
        Metapb.Region next = b.build();
        Metapb.Peer newLeader = leader;
        for (Metapb.Peer p : next.getPeersList()) {
            if (p.getId() == leader.getId()) {
                newLeader = p;
            }
        }
        return new FakeRegion(next, newLeader, newPending, down, approximateSize, approximateKeys);
    }
}
