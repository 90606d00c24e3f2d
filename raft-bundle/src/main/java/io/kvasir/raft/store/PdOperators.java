package io.kvasir.raft.store;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerException;
import io.kvasir.raft.store.peer.PeerView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what PD asks in RegionHeartbeat responses (TiKV's {@code on_region_heartbeat_response}):
 * membership changes (ChangePeer, ChangePeerV2), leader transfers and merges (PrepareMerge into
 * the target PD names), proposed to the region's Raft group as admin commands. An operator is
 * only for the region shape PD saw: one for another epoch, or reaching a peer that no longer
 * leads, is ignored; PD sends it again on the next heartbeat if it still applies.
 */
final class PdOperators {
    private static final Logger LOG = LoggerFactory.getLogger(PdOperators.class);

    private final PeerDriver driver;

    PdOperators(PeerDriver driver) {
        this.driver = driver;
    }

    void handle(Pdpb.RegionHeartbeatResponse response) {
        PeerView view = driver.view(response.getRegionId());
        if (view == null || !view.isLeader()) {
            return;
        }
        Metapb.RegionEpoch epoch = view.region().getRegionEpoch();
        if (response.hasRegionEpoch() && !response.getRegionEpoch().equals(epoch)) {
            LOG.debug("region {}: operator for epoch {} ignored, region is at {}", view.regionId(),
                    response.getRegionEpoch(), epoch);
            return;
        }
        RaftCmdpb.AdminRequest admin = adminRequest(response);
        if (admin == null) {
            return;
        }
        RaftCmdpb.RaftCmdRequest cmd = RaftCmdpb.RaftCmdRequest.newBuilder()
                .setHeader(RaftCmdpb.RaftRequestHeader.newBuilder()
                        .setRegionId(view.regionId())
                        .setPeer(view.self())
                        .setRegionEpoch(epoch))
                .setAdminRequest(admin)
                .build();
        LOG.info("region {}: PD asks {}", view.regionId(), describe(admin));
        driver.propose(view.regionId(), cmd).whenComplete((done, failure) -> {
            if (failure instanceof PeerException.Merging) {
                // PD repeats a merge on every heartbeat until it is done; this one is under way.
                LOG.debug("region {}: {} while merging: ignored", view.regionId(), admin.getCmdType());
            } else if (failure != null) {
                LOG.info("region {}: {} failed: {}", view.regionId(), admin.getCmdType(), failure.getMessage());
            }
        });
    }

    private static RaftCmdpb.AdminRequest adminRequest(Pdpb.RegionHeartbeatResponse r) {
        if (r.hasChangePeer()) {
            return RaftCmdpb.AdminRequest.newBuilder()
                    .setCmdType(RaftCmdpb.AdminCmdType.ChangePeer)
                    .setChangePeer(RaftCmdpb.ChangePeerRequest.newBuilder()
                            .setChangeType(r.getChangePeer().getChangeType())
                            .setPeer(r.getChangePeer().getPeer()))
                    .build();
        }
        if (r.hasChangePeerV2()) {
            RaftCmdpb.ChangePeerV2Request.Builder v2 = RaftCmdpb.ChangePeerV2Request.newBuilder();
            for (Pdpb.ChangePeer c : r.getChangePeerV2().getChangesList()) {
                v2.addChanges(RaftCmdpb.ChangePeerRequest.newBuilder().setChangeType(c.getChangeType()).setPeer(c.getPeer()));
            }
            return RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.ChangePeerV2)
                    .setChangePeerV2(v2).build();
        }
        if (r.hasMerge()) {
            // The store fills in min_index when it proposes (RegionPeer#proposePrepareMerge).
            return RaftCmdpb.AdminRequest.newBuilder()
                    .setCmdType(RaftCmdpb.AdminCmdType.PrepareMerge)
                    .setPrepareMerge(RaftCmdpb.PrepareMergeRequest.newBuilder().setTarget(r.getMerge().getTarget()))
                    .build();
        }
        if (r.hasTransferLeader()) {
            return RaftCmdpb.AdminRequest.newBuilder()
                    .setCmdType(RaftCmdpb.AdminCmdType.TransferLeader)
                    .setTransferLeader(RaftCmdpb.TransferLeaderRequest.newBuilder().setPeer(r.getTransferLeader().getPeer()))
                    .build();
        }
        return null;
    }

    private static String describe(RaftCmdpb.AdminRequest admin) {
        return switch (admin.getCmdType()) {
            case ChangePeer -> admin.getChangePeer().getChangeType() + " " + admin.getChangePeer().getPeer().getId()
                    + "@" + admin.getChangePeer().getPeer().getStoreId();
            case ChangePeerV2 -> "ChangePeerV2 " + admin.getChangePeerV2().getChangesList().stream()
                    .map(c -> c.getChangeType() + " " + c.getPeer().getId() + "@" + c.getPeer().getStoreId()).toList();
            case TransferLeader -> "TransferLeader to " + admin.getTransferLeader().getPeer().getId();
            case PrepareMerge -> "merge into region " + admin.getPrepareMerge().getTarget().getId();
            default -> admin.getCmdType().toString();
        };
    }
}
