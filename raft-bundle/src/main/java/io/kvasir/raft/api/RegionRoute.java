package io.kvasir.raft.api;

import io.kvasir.kvproto.Metapb;

/**
 * A region as it was when a request was routed to it: the region's metadata and this store's peer
 * of it. Immutable; a later split or membership change does not alter a route already handed out.
 */
public record RegionRoute(Metapb.Region region, Metapb.Peer peer) {

    public long regionId() {
        return region.getId();
    }

    /** True when {@code key} (a user-level key, no data prefix) lies in {@code [start, end)}. */
    public boolean contains(byte[] key) {
        return RegionKeys.contains(region, key);
    }
}
