package io.kvasir.raft.store;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.raft.api.ClusterDirectory;
import java.util.Optional;

/** The store's {@link ClusterDirectory}: each question is one PD call through the store's client. */
final class PdDirectory implements ClusterDirectory {
    private final PdClient pd;

    PdDirectory(PdClient pd) {
        this.pd = pd;
    }

    @Override
    public long gcSafePoint() {
        return pd.gcSafePoint();
    }

    @Override
    public Optional<RegionLeader> leaderOf(byte[] regionKey) {
        Pdpb.GetRegionResponse r = pd.getRegion(regionKey);
        if (r.getRegion().getId() == 0 || r.getLeader().getId() == 0) {
            return Optional.empty();
        }
        Metapb.Store store = pd.getStore(r.getLeader().getStoreId());
        if (store == null || store.getAddress().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RegionLeader(r.getRegion(), r.getLeader(), store.getAddress()));
    }
}
