package io.kvasir.pd;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The region tree with its persistence: every applied update is written under
 * {@code pd/region/<id>} (the region and its leader, as a {@link Pdpb.Region}), and regions an
 * update overlaps are deleted in the same batch. Loaded back into the tree when the PD opens.
 *
 * <p>Region writes are not synced: losing the last few on a machine crash breaks no guarantee,
 * because every leader heartbeats its region again within seconds. The write happens under the
 * registry's lock so that the persisted order of updates is the order they reached the tree.
 */
final class RegionRegistry {
    static final String PREFIX = "pd/region/";

    private final MetaStore store;
    private final RegionTree tree = new RegionTree();
    private final Object writeLock = new Object();

    private RegionRegistry(MetaStore store) {
        this.store = store;
    }

    static RegionRegistry open(MetaStore store) {
        RegionRegistry registry = new RegionRegistry(store);
        for (MetaStore.Entry e : store.scan(PREFIX)) {
            try {
                registry.tree.update(Pdpb.Region.parseFrom(e.value()));
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("PD region record " + new String(e.name(), StandardCharsets.UTF_8)
                        + " is corrupt: " + ex.getMessage(), ex);
            }
        }
        return registry;
    }

    RegionTree tree() {
        return tree;
    }

    /** The batch entries that persist {@code region}; used by bootstrap to write it with the rest. */
    static void addTo(MetaStore.Batch batch, Pdpb.Region region) {
        batch.put(MetaStore.idName(PREFIX, region.getRegion().getId()), region.toByteArray());
    }

    /** Adds a region persisted elsewhere (bootstrap) to the tree. */
    void loaded(Pdpb.Region region) {
        tree.update(region);
    }

    /**
     * A leader's heartbeat: applies its region with its leader unless stale, and keeps the
     * heartbeat in the tree as the region's last report (sizes, pending and down peers).
     *
     * @throws PdException (header error) when the region is malformed
     */
    RegionTree.Update heartbeat(RegionShape heartbeat) {
        Metapb.Region region = heartbeat.region();
        Metapb.Peer leader = heartbeat.leader();
        validate(region);
        if (leader.getId() == 0) {
            throw PdException.unknown("invalid request leader, region %d reported no leader", region.getId());
        }
        // Routed as the region lists it: clients match the leader against the region's peers by
        // equality, role included, and a store's idea of its own role may lag its region's.
        Metapb.Peer listed = leader;
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getId() == leader.getId()) {
                listed = p;
            }
        }
        return apply(Pdpb.Region.newBuilder().setRegion(region).setLeader(listed).build(), heartbeat);
    }

    /**
     * Regions reported after a split. The report carries no leaders: a region already known
     * keeps its leader while that peer is still in it; a new region is given the peer on the
     * store that led the region it was split from, since that peer campaigns at once after the
     * split (TiKV {@code on_ready_split_region}) and almost always wins. A wrong guess costs a
     * client one NotLeader round trip, and the next heartbeat corrects it.
     */
    void reportSplit(List<Metapb.Region> regions) {
        if (regions.isEmpty()) {
            throw PdException.unknown("invalid report split: no regions");
        }
        for (int i = 0; i < regions.size(); i++) {
            validate(regions.get(i));
            if (i > 0 && !regions.get(i - 1).getEndKey().equals(regions.get(i).getStartKey())) {
                throw PdException.unknown("invalid report split: region %d does not start where region %d ends",
                        regions.get(i).getId(), regions.get(i - 1).getId());
            }
        }
        // Leaders are guessed before anything is applied: applying the first part removes the
        // parent from the tree, and with it the leader the other parts are guessed from.
        List<Pdpb.Region> withLeaders = new ArrayList<>(regions.size());
        for (Metapb.Region region : regions) {
            withLeaders.add(Pdpb.Region.newBuilder().setRegion(region).setLeader(guessLeader(region)).build());
        }
        for (Pdpb.Region region : withLeaders) {
            apply(region, null);
        }
    }

    private Metapb.Peer guessLeader(Metapb.Region region) {
        Pdpb.Region known = tree.byId(region.getId());
        if (known == null) {
            known = tree.byKey(region.getStartKey());
        }
        if (known == null || known.getLeader().getId() == 0) {
            return Metapb.Peer.getDefaultInstance();
        }
        long leaderStore = known.getLeader().getStoreId();
        for (Metapb.Peer p : region.getPeersList()) {
            if (known.getRegion().getId() == region.getId() ? p.getId() == known.getLeader().getId()
                    : p.getStoreId() == leaderStore) {
                return p;
            }
        }
        return Metapb.Peer.getDefaultInstance();
    }

    private RegionTree.Update apply(Pdpb.Region region, RegionShape heartbeat) {
        synchronized (writeLock) {
            RegionTree.Update update = tree.update(region, heartbeat);
            if (update.changed()) {
                try (MetaStore.Batch batch = store.batch()) {
                    for (Pdpb.Region removed : update.removed()) {
                        batch.delete(MetaStore.idName(PREFIX, removed.getRegion().getId()));
                    }
                    addTo(batch, region);
                    batch.commit(WriteOptions.NO_SYNC);
                }
            }
            return update;
        }
    }

    /** Rejects regions that cannot be placed in the tree. */
    static void validate(Metapb.Region region) {
        if (region.getId() == 0) {
            throw PdException.unknown("invalid region: id 0");
        }
        if (region.getPeersCount() == 0) {
            throw PdException.unknown("invalid region %d: zero region peer count", region.getId());
        }
        ByteString end = region.getEndKey();
        if (!end.isEmpty() && ByteString.unsignedLexicographicalComparator().compare(region.getStartKey(), end) >= 0) {
            throw PdException.unknown("invalid region %d: start key is not below end key", region.getId());
        }
    }
}
