package io.kvasir.raft.api;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Metapb;
import java.util.List;

/**
 * The {@code errorpb.Error}s a store answers, built with the message TiKV writes beside each, so
 * that logs on both sides read alike. Each is what tikv-client-java re-routes on (CLIENT-NEEDS.md
 * section 4).
 */
public final class RegionErrors {
    private RegionErrors() {
    }

    public static RegionException regionNotFound(long regionId) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("region " + regionId + " not found")
                .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(regionId)));
    }

    /** The region is being merged and takes no requests until the merge commits or rolls back. */
    public static RegionException proposalInMergingMode(long regionId) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("region " + regionId + " is merging")
                .setProposalInMergingMode(Errorpb.ProposalInMergingMode.newBuilder().setRegionId(regionId)));
    }

    /**
     * A stale read reached a replica that cannot prove its data is complete up to the read's
     * timestamp (it keeps no safe timestamp): the client reads from the leader instead.
     */
    public static RegionException dataIsNotReady(long regionId, long peerId) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("region " + regionId + ": peer " + peerId + " serves no stale reads")
                .setDataIsNotReady(Errorpb.DataIsNotReady.newBuilder().setRegionId(regionId).setPeerId(peerId)));
    }

    public static RegionException storeNotMatch(long requestStoreId, long actualStoreId) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("store not match: request store " + requestStoreId + ", this is store " + actualStoreId)
                .setStoreNotMatch(Errorpb.StoreNotMatch.newBuilder()
                        .setRequestStoreId(requestStoreId).setActualStoreId(actualStoreId)));
    }

    /** {@code leader} may be null when no leader is known; the client then asks PD. */
    public static RegionException notLeader(long regionId, Metapb.Peer leader) {
        Errorpb.NotLeader.Builder notLeader = Errorpb.NotLeader.newBuilder().setRegionId(regionId);
        if (leader != null) {
            notLeader.setLeader(leader);
        }
        return of(Errorpb.Error.newBuilder()
                .setMessage("peer is not leader for region " + regionId + (leader == null ? ", leader may be none" : ""))
                .setNotLeader(notLeader));
    }

    /** {@code current} lists the region as it is now, then any regions split from it. */
    public static RegionException epochNotMatch(Metapb.RegionEpoch requested, List<Metapb.Region> current) {
        Metapb.RegionEpoch now = current.get(0).getRegionEpoch();
        return of(Errorpb.Error.newBuilder()
                .setMessage("epoch not match: requested " + describe(requested) + ", current " + describe(now))
                .setEpochNotMatch(Errorpb.EpochNotMatch.newBuilder().addAllCurrentRegions(current)));
    }

    public static RegionException keyNotInRegion(byte[] key, Metapb.Region region) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("key is not in region " + region.getId())
                .setKeyNotInRegion(Errorpb.KeyNotInRegion.newBuilder()
                        .setKey(ByteString.copyFrom(key)).setRegionId(region.getId())
                        .setStartKey(region.getStartKey()).setEndKey(region.getEndKey())));
    }

    public static RegionException raftEntryTooLarge(long regionId, long entrySize) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("raft entry is too large: region " + regionId + ", entry size " + entrySize)
                .setRaftEntryTooLarge(Errorpb.RaftEntryTooLarge.newBuilder()
                        .setRegionId(regionId).setEntrySize(entrySize)));
    }

    public static RegionException serverIsBusy(String reason) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("server is busy: " + reason)
                .setServerIsBusy(Errorpb.ServerIsBusy.newBuilder().setReason(reason)));
    }

    public static RegionException staleCommand(String why) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("stale command: " + why)
                .setStaleCommand(Errorpb.StaleCommand.getDefaultInstance()));
    }

    /** A peer id that does not match ours: TiKV answers with a bare message, which the client retries. */
    public static RegionException peerMismatch(long regionId, long requested, long actual) {
        return of(Errorpb.Error.newBuilder()
                .setMessage("mismatch peer id " + requested + " != " + actual + " in region " + regionId));
    }

    private static RegionException of(Errorpb.Error.Builder error) {
        return new RegionException(error.build());
    }

    private static String describe(Metapb.RegionEpoch epoch) {
        return "{conf_ver: " + epoch.getConfVer() + ", version: " + epoch.getVersion() + "}";
    }
}
