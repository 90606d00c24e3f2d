package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.BatchSplitRequest;
import io.kvasir.kvproto.RaftCmdpb.SplitRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * One region cut into several at once (TiKV {@code apply.rs}: {@code exec_batch_split}): split
 * keys, strictly increasing and strictly inside the region, cut its range into pieces. With
 * {@code right_derive} (TiKV's default) the last piece keeps the region's id and every other piece
 * is a new region; without it the first piece keeps it. Every piece gets the parent's
 * {@code version} plus the number of new regions, the parent's {@code conf_ver}, and a peer on
 * each store of the parent, with the new ids the request names in the parent's peer order. Pure:
 * every replica computes the same regions from the same entry.
 */
public final class RegionSplits {

    private RegionSplits() {
    }

    /**
     * The regions after the split, in key order; the one with the parent's id among them.
     *
     * @throws PeerException.InvalidCommand if the request does not fit the region
     */
    public static List<Metapb.Region> apply(Metapb.Region parent, BatchSplitRequest request) {
        List<SplitRequest> splits = request.getRequestsList();
        if (splits.isEmpty()) {
            throw invalid(parent, "no split keys");
        }
        if (RegionMembership.isJoint(parent)) {
            throw invalid(parent, "it is in a joint configuration");
        }
        ByteString previous = parent.getStartKey();
        for (SplitRequest s : splits) {
            ByteString key = s.getSplitKey();
            if (key.isEmpty() || compare(key, previous) <= 0
                    || (!parent.getEndKey().isEmpty() && compare(key, parent.getEndKey()) >= 0)) {
                throw invalid(parent, "split key " + key.toStringUtf8() + " is not inside the region and after the"
                        + " previous key");
            }
            if (s.getNewRegionId() == 0 || s.getNewRegionId() == parent.getId()) {
                throw invalid(parent, "split needs a new region id, got " + s.getNewRegionId());
            }
            if (s.getNewPeerIdsCount() != parent.getPeersCount()) {
                throw invalid(parent, "split names " + s.getNewPeerIdsCount() + " new peers for "
                        + parent.getPeersCount() + " peers");
            }
            previous = key;
        }
        long version = parent.getRegionEpoch().getVersion() + splits.size();
        Metapb.RegionEpoch epoch = parent.getRegionEpoch().toBuilder().setVersion(version).build();
        List<Metapb.Region> out = new ArrayList<>(splits.size() + 1);
        ByteString start = parent.getStartKey();
        boolean rightDerive = request.getRightDerive();
        for (int i = 0; i <= splits.size(); i++) {
            ByteString end = i < splits.size() ? splits.get(i).getSplitKey() : parent.getEndKey();
            // The piece that keeps the parent's id: the last with right_derive, else the first.
            boolean derived = rightDerive ? i == splits.size() : i == 0;
            Metapb.Region.Builder piece = parent.toBuilder().setStartKey(start).setEndKey(end).setRegionEpoch(epoch);
            if (!derived) {
                SplitRequest s = splits.get(rightDerive ? i : i - 1);
                piece.setId(s.getNewRegionId()).clearPeers();
                for (int p = 0; p < parent.getPeersCount(); p++) {
                    piece.addPeers(parent.getPeers(p).toBuilder().setId(s.getNewPeerIds(p)));
                }
            }
            out.add(piece.build());
            start = end;
        }
        return out;
    }

    private static int compare(ByteString a, ByteString b) {
        return ByteString.unsignedLexicographicalComparator().compare(a, b);
    }

    private static PeerException.InvalidCommand invalid(Metapb.Region region, String why) {
        return new PeerException.InvalidCommand(region.getId(), "split refused: " + why);
    }
}
