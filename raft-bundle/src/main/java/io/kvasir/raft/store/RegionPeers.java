package io.kvasir.raft.store;

import io.kvasir.kvproto.Metapb;

/** Finding a region's peers, by store and by id. */
final class RegionPeers {
    private RegionPeers() {
    }

    /** The region's peer on {@code storeId}; a region is held by a store only when it has one there. */
    static Metapb.Peer onStore(Metapb.Region region, long storeId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getStoreId() == storeId) {
                return p;
            }
        }
        throw new IllegalStateException("region " + region.getId() + " has no peer on store " + storeId);
    }

    /** The peer with {@code peerId}, or null when the region has none (e.g. leader unknown: id 0). */
    static Metapb.Peer byId(Metapb.Region region, long peerId) {
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getId() == peerId) {
                return p;
            }
        }
        return null;
    }
}
