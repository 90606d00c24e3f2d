package io.kvasir.pd;

import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.Locale;

/**
 * One step PD asks a region's leader to take, and how to tell from a later heartbeat that it was
 * taken. The steps and their wire form are PD's ({@code operator/step.go}): the store executes them
 * as TiKV does.
 *
 * <p>A step is <i>applied</i> once its change shows in the region, and <i>done</i> once nothing is
 * left to wait for; they differ only for {@link AddLearner}, whose learner must also catch up. A
 * step that is not applied is sent again on every heartbeat; an applied one is not (the store
 * would refuse a duplicate conf change). A step is <i>obsolete</i> when the region moved so that it
 * can no longer complete as planned; the controller then plans afresh. A {@link Merge} is the
 * exception: it involves two regions, and the controller judges it with {@link MergeProgress}.
 */
sealed interface Step {

    boolean isApplied(RegionShape region);

    default boolean isDone(RegionShape region) {
        return isApplied(region);
    }

    boolean isObsolete(RegionShape region);

    /** Sets the command of this step in {@code response}. */
    void addTo(Pdpb.RegionHeartbeatResponse.Builder response);

    /** Deterministic text for logs, GetOperator and tests. */
    String describe();

    private static Pdpb.ChangePeer change(Eraftpb.ConfChangeType type, Metapb.Peer peer) {
        return Pdpb.ChangePeer.newBuilder().setChangeType(type).setPeer(peer).build();
    }

    private static Metapb.Peer as(Metapb.Peer peer, Metapb.PeerRole role) {
        return peer.toBuilder().setRole(role).build();
    }

    /** Adds a new learner: {@code change_peer} AddLearnerNode. Done when the learner is there and not pending. */
    record AddLearner(Metapb.Peer peer) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            return region.peer(peer.getId()) != null;
        }

        @Override
        public boolean isDone(RegionShape region) {
            return isApplied(region) && !region.isPending(peer);
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            Metapb.Peer there = region.peerOnStore(peer.getStoreId());
            return there != null && there.getId() != peer.getId();
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setChangePeer(change(Eraftpb.ConfChangeType.AddLearnerNode, as(peer, Metapb.PeerRole.Learner)));
        }

        @Override
        public String describe() {
            return "add learner peer " + peer.getId() + " on store " + peer.getStoreId();
        }
    }

    /** Makes a caught-up learner a voter: {@code change_peer} AddNode. */
    record PromoteLearner(Metapb.Peer peer) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            Metapb.Peer now = region.peer(peer.getId());
            return now != null && now.getRole() == Metapb.PeerRole.Voter;
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            return region.peer(peer.getId()) == null;
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setChangePeer(change(Eraftpb.ConfChangeType.AddNode, as(peer, Metapb.PeerRole.Voter)));
        }

        @Override
        public String describe() {
            return "promote learner peer " + peer.getId() + " on store " + peer.getStoreId();
        }
    }

    /**
     * Enters joint consensus promoting {@code promote} and demoting {@code demote} at once:
     * {@code change_peer_v2} [AddNode, AddLearnerNode]. Replacing a voter this way never leaves the
     * region with fewer voters than it had, which two simple changes would (Raft thesis 4.3).
     */
    record EnterJoint(Metapb.Peer promote, Metapb.Peer demote) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            Metapb.Peer in = region.peer(promote.getId());
            Metapb.Peer out = region.peer(demote.getId());
            return in != null && out != null
                    && (in.getRole() == Metapb.PeerRole.IncomingVoter || in.getRole() == Metapb.PeerRole.Voter)
                    && (out.getRole() == Metapb.PeerRole.DemotingVoter || out.getRole() == Metapb.PeerRole.Learner);
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            return region.peer(promote.getId()) == null || region.peer(demote.getId()) == null
                    || region.isLeader(demote);
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setChangePeerV2(Pdpb.ChangePeerV2.newBuilder()
                    .addChanges(change(Eraftpb.ConfChangeType.AddNode, as(promote, Metapb.PeerRole.Voter)))
                    .addChanges(change(Eraftpb.ConfChangeType.AddLearnerNode, as(demote, Metapb.PeerRole.Learner))));
        }

        @Override
        public String describe() {
            return "enter joint: promote learner peer " + promote.getId() + " on store " + promote.getStoreId()
                    + ", demote voter peer " + demote.getId() + " on store " + demote.getStoreId();
        }
    }

    /** Leaves joint consensus: an empty {@code change_peer_v2}. */
    record LeaveJoint() implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            return !region.inJoint();
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            return false;
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setChangePeerV2(Pdpb.ChangePeerV2.getDefaultInstance());
        }

        @Override
        public String describe() {
            return "leave joint";
        }
    }

    /** Removes a peer: {@code change_peer} RemoveNode. Never the leader, which TiKV refuses. */
    record RemovePeer(Metapb.Peer peer) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            return region.peer(peer.getId()) == null;
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            return region.isLeader(peer);
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setChangePeer(change(Eraftpb.ConfChangeType.RemoveNode, peer));
        }

        @Override
        public String describe() {
            return "remove " + peer.getRole().name().toLowerCase(Locale.ROOT) + " peer " + peer.getId()
                    + " on store " + peer.getStoreId();
        }
    }

    /**
     * Merges region {@code source} into its neighbour {@code target}: {@code merge} naming the
     * target, sent to the source's leader, which proposes PrepareMerge (TiKV then finishes the
     * merge on its own with CommitMerge, or undoes it with RollbackMerge). Both regions, as PD
     * planned them, are kept: whether the merge is over is judged against the region tree for
     * both, not from one heartbeat ({@link MergeProgress}).
     *
     * <p>The source's operator holds the active step. A heartbeat of the source never shows it
     * applied (the source disappears when the merge commits), so it is resent on every source
     * heartbeat, and the store ignores a merge command while its region is merging. The target's
     * operator holds the {@code passive} twin, which is never sent (it counts as applied, and an
     * applied step is answered with silence); it is there so that nothing else is started on the
     * target meanwhile: a conf change or split would change the target's epoch and make the store
     * roll the merge back.
     */
    record Merge(Metapb.Region source, Metapb.Region target, boolean passive) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            return passive;
        }

        @Override
        public boolean isDone(RegionShape region) {
            return false;
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            return false;
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            if (passive) {
                throw new IllegalStateException("the passive merge step of region " + target.getId() + " is never sent");
            }
            response.setMerge(Pdpb.Merge.newBuilder().setTarget(target));
        }

        @Override
        public String describe() {
            return "merge region " + source.getId() + " into region " + target.getId();
        }
    }

    /** Hands leadership to a voter: {@code transfer_leader}. */
    record TransferLeader(Metapb.Peer peer) implements Step {
        @Override
        public boolean isApplied(RegionShape region) {
            return region.leader().getId() == peer.getId();
        }

        @Override
        public boolean isObsolete(RegionShape region) {
            Metapb.Peer now = region.peer(peer.getId());
            return now == null || now.getRole() != Metapb.PeerRole.Voter;
        }

        @Override
        public void addTo(Pdpb.RegionHeartbeatResponse.Builder response) {
            response.setTransferLeader(Pdpb.TransferLeader.newBuilder().setPeer(peer));
        }

        @Override
        public String describe() {
            return "transfer leader to peer " + peer.getId() + " on store " + peer.getStoreId();
        }
    }
}
