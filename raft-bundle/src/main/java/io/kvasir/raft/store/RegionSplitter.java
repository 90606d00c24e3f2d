package io.kvasir.raft.store;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.store.peer.PeerDriver;
import io.kvasir.raft.store.peer.PeerView;
import io.kvasir.raft.store.peer.RegionSplits;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a region this store leads at given user keys (TiKV's {@code pd_worker} split path): asks
 * PD for the new region and peer ids (AskBatchSplit), proposes one BatchSplit command through the
 * region's Raft group, then reports the resulting regions to PD (ReportBatchSplit) so clients are
 * routed to them at once. Used by the split checker and by the SplitRegion RPC.
 */
final class RegionSplitter {
    private static final Logger LOG = LoggerFactory.getLogger(RegionSplitter.class);

    private final PdClient pd;
    private final PeerDriver driver;
    private final Executor pdCalls;

    RegionSplitter(PdClient pd, PeerDriver driver, Executor pdCalls) {
        this.pd = pd;
        this.driver = driver;
        this.pdCalls = pdCalls;
    }

    /**
     * Splits {@code regionId} at {@code keys} (user keys; those outside the region or equal to its
     * start are dropped, the rest sorted) and completes with the regions the split produced, in
     * key order. With no key left, completes with the region unchanged.
     */
    CompletableFuture<List<Metapb.Region>> split(long regionId, List<ByteString> keys) {
        PeerView view = driver.view(regionId);
        if (view == null || !view.isLeader()) {
            return CompletableFuture.failedFuture(new io.kvasir.raft.store.peer.PeerException.NotLeader(regionId,
                    view == null ? 0 : view.leaderPeerId()));
        }
        Metapb.Region region = view.region();
        List<ByteString> inside = keysInside(region, keys);
        if (inside.isEmpty()) {
            return CompletableFuture.completedFuture(List.of(region));
        }
        return CompletableFuture.supplyAsync(() -> command(view, inside, pd.askBatchSplit(region, inside.size())), pdCalls)
                .thenCompose(cmd -> driver.propose(regionId, cmd).thenApply(done -> cmd))
                .thenApplyAsync(cmd -> {
                    // Applied as proposed: the epoch matched, so the pieces are exactly these.
                    List<Metapb.Region> pieces = RegionSplits.apply(region, cmd.getAdminRequest().getSplits());
                    try {
                        pd.reportBatchSplit(pieces);
                    } catch (RuntimeException e) {
                        LOG.warn("region {}: reporting the split to PD failed ({}); heartbeats will tell it", regionId,
                                e.getMessage());
                    }
                    LOG.info("region {}: split into {} regions at {} key(s)", regionId, pieces.size(), inside.size());
                    return pieces;
                }, pdCalls);
    }

    private static RaftCmdpb.RaftCmdRequest command(PeerView view, List<ByteString> keys, List<Pdpb.SplitID> ids) {
        if (ids.size() != keys.size()) {
            throw new IllegalStateException("PD gave " + ids.size() + " ids for " + keys.size() + " split keys");
        }
        RaftCmdpb.BatchSplitRequest.Builder split = RaftCmdpb.BatchSplitRequest.newBuilder().setRightDerive(true);
        for (int i = 0; i < keys.size(); i++) {
            split.addRequests(RaftCmdpb.SplitRequest.newBuilder().setSplitKey(keys.get(i))
                    .setNewRegionId(ids.get(i).getNewRegionId()).addAllNewPeerIds(ids.get(i).getNewPeerIdsList()));
        }
        return RaftCmdpb.RaftCmdRequest.newBuilder()
                .setHeader(RaftCmdpb.RaftRequestHeader.newBuilder().setRegionId(view.regionId()).setPeer(view.self())
                        .setRegionEpoch(view.region().getRegionEpoch()))
                .setAdminRequest(RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.BatchSplit)
                        .setSplits(split))
                .build();
    }

    static List<ByteString> keysInside(Metapb.Region region, List<ByteString> keys) {
        var cmp = ByteString.unsignedLexicographicalComparator();
        return keys.stream()
                .filter(k -> !k.isEmpty() && cmp.compare(k, region.getStartKey()) > 0
                        && (region.getEndKey().isEmpty() || cmp.compare(k, region.getEndKey()) < 0))
                .distinct()
                .sorted(cmp)
                .toList();
    }
}
