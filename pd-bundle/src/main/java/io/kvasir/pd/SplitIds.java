package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.List;

/**
 * AskBatchSplit: the ids a leader needs to split its region into {@code split_count + 1} parts,
 * one new region id per new region and one new peer id per peer of the region, as PD's
 * {@code HandleAskBatchSplit}. The region must be the one PD knows at its start key, with an
 * epoch that is not older (PD's {@code ValidRequestRegion}); a stale leader is told so instead of
 * burning ids.
 */
final class SplitIds {
    /** The most ids one request may take, against malformed requests. */
    static final int MAX_IDS = 1 << 20;

    private SplitIds() {
    }

    /** The ids of one new region. */
    record Split(long regionId, List<Long> peerIds) {
    }

    static List<Split> allocate(PdState state, Pdpb.AskBatchSplitRequest request) {
        if (!request.hasRegion()) {
            throw PdException.header(Pdpb.ErrorType.REGION_NOT_FOUND, "missing region for split");
        }
        Metapb.Region region = request.getRegion();
        int count = request.getSplitCount();
        if (count < 1 || count > PdService.MAX_SPLIT_COUNT) {
            throw PdException.unknown("invalid split count %s for region %d: must be in [1, %d]",
                    Integer.toUnsignedString(count), region.getId(), PdService.MAX_SPLIT_COUNT);
        }
        if (region.getPeersCount() == 0) {
            throw PdException.unknown("invalid split of region %d: it has no peers", region.getId());
        }
        Pdpb.Region known = state.regions().tree().byKey(region.getStartKey());
        if (known == null) {
            throw PdException.unknown("region not found, request region %d", region.getId());
        }
        Metapb.RegionEpoch current = known.getRegion().getRegionEpoch();
        if (RegionTree.isOlder(region.getRegionEpoch(), current)) {
            throw PdException.unknown("invalid region epoch for region %d, request: version %d conf_ver %d, current: version %d conf_ver %d",
                    region.getId(), region.getRegionEpoch().getVersion(), region.getRegionEpoch().getConfVer(),
                    current.getVersion(), current.getConfVer());
        }
        int peers = region.getPeersCount();
        long total = (long) count * (1 + peers);
        if (total > MAX_IDS) {
            throw PdException.unknown("invalid split of region %d: %d new regions of %d peers need too many ids",
                    region.getId(), count, peers);
        }
        long[] ids = state.ids().allocMany((int) total);
        List<Split> splits = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            long regionId = ids[next++];
            List<Long> peerIds = new ArrayList<>(peers);
            for (int p = 0; p < peers; p++) {
                peerIds.add(ids[next++]);
            }
            splits.add(new Split(regionId, List.copyOf(peerIds)));
        }
        return splits;
    }
}
