package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.AdminRequest;
import io.kvasir.kvproto.RaftCmdpb.ChangePeerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A region's peer list under membership changes (TiKV {@code apply.rs}: {@code exec_change_peer},
 * {@code exec_change_peer_v2}): the region metadata is what clients, PD and restarts see, so it
 * must move exactly as the Raft configuration does, at the same log index, on every replica.
 *
 * <p>One change is simple: AddNode makes a new voter or promotes a learner, AddLearnerNode adds a
 * learner or demotes a voter, RemoveNode drops a peer. Several changes enter joint consensus:
 * promoted peers become IncomingVoter, demoted ones DemotingVoter, and leaving (no changes) turns
 * them into Voter and Learner. Each applied change bumps {@code conf_ver}. Pure functions: the
 * result depends only on the region and the change, so every replica decides alike.
 */
final class RegionMembership {

    private RegionMembership() {
    }

    /** The Raft change an admin ChangePeer or ChangePeerV2 request asks for, carrying the command as context. */
    static ConfChangeV2 toConfChange(AdminRequest admin, ByteString context) {
        ConfChangeV2.Builder cc = ConfChangeV2.newBuilder().setContext(context);
        for (ChangePeerRequest c : changesOf(admin)) {
            cc.addChanges(ConfChangeSingle.newBuilder().setType(c.getChangeType()).setNodeId(c.getPeer().getId()));
        }
        return cc.build();
    }

    /** The peers an admin request names, in order; empty for a leave-joint request. */
    static List<ChangePeerRequest> changesOf(AdminRequest admin) {
        return admin.hasChangePeerV2() ? admin.getChangePeerV2().getChangesList() : List.of(admin.getChangePeer());
    }

    /**
     * The region after {@code changes} (empty: leave joint). Peers of an AddNode / AddLearnerNode
     * are taken from the request, since the Raft change carries only their ids.
     *
     * @throws PeerException.InvalidCommand if the change does not fit the region: adding a peer
     *     that exists in that role, a store holding two peers, removing an unknown peer, leaving a
     *     joint state the region is not in
     */
    static Metapb.Region apply(Metapb.Region region, List<ChangePeerRequest> changes) {
        List<Metapb.Peer> peers = new ArrayList<>(region.getPeersList());
        if (changes.isEmpty()) {
            if (!isJoint(region)) {
                throw invalid(region, "it is not in a joint configuration, there is nothing to leave");
            }
            peers.replaceAll(p -> switch (p.getRole()) {
                case IncomingVoter -> p.toBuilder().setRole(Metapb.PeerRole.Voter).build();
                case DemotingVoter -> p.toBuilder().setRole(Metapb.PeerRole.Learner).build();
                default -> p;
            });
        } else {
            if (isJoint(region)) {
                throw invalid(region, "it is in a joint configuration; leave it first");
            }
            boolean joint = changes.size() > 1;
            for (ChangePeerRequest c : changes) {
                change(region, peers, c, joint);
            }
        }
        Metapb.RegionEpoch epoch = region.getRegionEpoch();
        return region.toBuilder()
                .clearPeers().addAllPeers(peers)
                .setRegionEpoch(epoch.toBuilder().setConfVer(epoch.getConfVer() + changes.size() + (changes.isEmpty() ? 1 : 0)))
                .build();
    }

    private static void change(Metapb.Region region, List<Metapb.Peer> peers, ChangePeerRequest c, boolean joint) {
        Metapb.Peer target = c.getPeer();
        int at = indexOf(peers, target.getId());
        Metapb.Peer existing = at < 0 ? null : peers.get(at);
        if (target.getId() == 0 || target.getStoreId() == 0) {
            throw invalid(region, "peer " + target.getId() + " on store " + target.getStoreId() + " is not a valid peer");
        }
        if (existing != null && existing.getStoreId() != target.getStoreId()) {
            throw invalid(region, "peer " + target.getId() + " is on store " + existing.getStoreId() + ", not "
                    + target.getStoreId());
        }
        ConfChangeType type = c.getChangeType();
        switch (type) {
            case AddNode -> {
                if (existing != null && existing.getRole() != Metapb.PeerRole.Learner) {
                    throw invalid(region, "peer " + target.getId() + " is already a voter");
                }
                Metapb.PeerRole role = joint ? Metapb.PeerRole.IncomingVoter : Metapb.PeerRole.Voter;
                put(region, peers, at, target.toBuilder().setRole(role).build());
            }
            case AddLearnerNode -> {
                if (existing != null && existing.getRole() == Metapb.PeerRole.Learner) {
                    throw invalid(region, "peer " + target.getId() + " is already a learner");
                }
                if (existing != null && !joint) {
                    throw invalid(region, "demoting voter " + target.getId() + " needs joint consensus");
                }
                Metapb.PeerRole role = existing != null ? Metapb.PeerRole.DemotingVoter : Metapb.PeerRole.Learner;
                put(region, peers, at, target.toBuilder().setRole(role).build());
            }
            case RemoveNode -> {
                if (existing == null) {
                    throw invalid(region, "peer " + target.getId() + " is not a member");
                }
                if (joint && existing.getRole() != Metapb.PeerRole.Learner) {
                    throw invalid(region, "removing voter " + target.getId() + " inside joint consensus; demote it first");
                }
                peers.remove(at);
            }
            default -> throw invalid(region, "unknown change type " + type);
        }
    }

    private static void put(Metapb.Region region, List<Metapb.Peer> peers, int at, Metapb.Peer peer) {
        if (at >= 0) {
            peers.set(at, peer);
            return;
        }
        for (Metapb.Peer p : peers) {
            if (p.getStoreId() == peer.getStoreId()) {
                throw invalid(region, "store " + peer.getStoreId() + " already holds peer " + p.getId());
            }
        }
        peers.add(peer);
    }

    /** The region's peer on store {@code storeId}, or null. */
    static Metapb.Peer peerOnStore(Metapb.Region region, long storeId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        return null;
    }

    static boolean isJoint(Metapb.Region region) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getRole() == Metapb.PeerRole.IncomingVoter || p.getRole() == Metapb.PeerRole.DemotingVoter) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(List<Metapb.Peer> peers, long id) {
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).getId() == id) {
                return i;
            }
        }
        return -1;
    }

    private static PeerException.InvalidCommand invalid(Metapb.Region region, String why) {
        return new PeerException.InvalidCommand(region.getId(), "membership change refused: " + why);
    }

    /** The peers as {@code id@store:role}, for logs. */
    static String describe(Metapb.Region region) {
        StringBuilder sb = new StringBuilder("[");
        for (Metapb.Peer p : region.getPeersList()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(p.getId()).append('@').append(p.getStoreId());
            if (p.getRole() != Metapb.PeerRole.Voter) {
                sb.append(':').append(p.getRole());
            }
        }
        return sb.append("] conf_ver ").append(region.getRegionEpoch().getConfVer()).toString();
    }
}
