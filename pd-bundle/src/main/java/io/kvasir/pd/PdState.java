package io.kvasir.pd;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Everything one PD keeps on one engine, opened together: identity, timestamp oracle, id
 * allocator, stores, regions, GC safe points and the bootstrap record ({@code pd/cluster}, a
 * {@link Metapb.Cluster}, whose presence means "bootstrapped"); plus the scheduler's running
 * operators, which are kept in memory only (after a restart each region's next step is simply
 * computed again from its next heartbeat). {@link PdService} answers RPCs
 * from it; the engine belongs to the engine bundle and is not closed here.
 */
final class PdState {
    static final String CLUSTER = "pd/cluster";

    private final PdSettings settings;
    private final MetaStore store;
    private final ClusterIdentity identity;
    private final Tso tso;
    private final IdAllocator ids;
    private final StoreRegistry stores;
    private final RegionRegistry regions;
    private final GcSafePoints gc;
    private final GcAutoAdvance gcAdvance;
    private final OperatorController operators;
    private final Pdpb.Member member;
    private volatile boolean bootstrapped;

    private PdState(PdSettings settings, MetaStore store, ClusterIdentity identity, Tso tso, IdAllocator ids,
            StoreRegistry stores, RegionRegistry regions, GcSafePoints gc, Clock clock, boolean bootstrapped) {
        this.settings = settings;
        this.store = store;
        this.identity = identity;
        this.tso = tso;
        this.ids = ids;
        this.stores = stores;
        this.regions = regions;
        this.gc = gc;
        this.gcAdvance = new GcAutoAdvance(gc, settings.gc(), clock);
        this.operators = new OperatorController(settings, clock, stores, regions.tree(), ids::alloc);
        this.bootstrapped = bootstrapped;
        this.member = Pdpb.Member.newBuilder()
                .setName(settings.name())
                .setMemberId(identity.memberId())
                .addAllClientUrls(settings.clientUrls())
                .addAllPeerUrls(settings.clientUrls())
                .build();
    }

    /**
     * Opens (creating on first use) the PD state kept in {@code engine}.
     *
     * @param clock  wall clock for timestamps, heartbeat times, safe point TTLs and scheduling
     * @param random source of the cluster id's random bits and of the member id
     */
    static PdState open(KvEngine engine, PdSettings settings, Clock clock, RandomGenerator random) {
        MetaStore store = new MetaStore(engine);
        ClusterIdentity identity = ClusterIdentity.loadOrCreate(store, clock, random);
        byte[] cluster = store.get(CLUSTER);
        if (cluster != null) {
            try {
                Metapb.Cluster meta = Metapb.Cluster.parseFrom(cluster);
                if (meta.getId() != identity.clusterId()) {
                    throw new IllegalStateException("PD bootstrap record names cluster " + Long.toUnsignedString(meta.getId())
                            + " but the cluster id is " + Long.toUnsignedString(identity.clusterId()));
                }
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("PD bootstrap record is corrupt: " + e.getMessage(), e);
            }
        }
        return new PdState(settings, store, identity,
                Tso.open(store, clock, settings.tsoSaveInterval()),
                IdAllocator.open(store),
                StoreRegistry.open(store, clock),
                RegionRegistry.open(store),
                GcSafePoints.open(store, clock),
                clock,
                cluster != null);
    }

    long clusterId() {
        return identity.clusterId();
    }

    ClusterIdentity identity() {
        return identity;
    }

    PdSettings settings() {
        return settings;
    }

    /** This member, the only one and so the leader. */
    Pdpb.Member member() {
        return member;
    }

    Tso tso() {
        return tso;
    }

    IdAllocator ids() {
        return ids;
    }

    StoreRegistry stores() {
        return stores;
    }

    RegionRegistry regions() {
        return regions;
    }

    GcSafePoints gc() {
        return gc;
    }

    /** The GC safe point as stores should see it now: moved forward first when PD's own advance is due. */
    long gcSafePointNow() {
        return gcAdvance.safePointNow();
    }

    /** The scheduler: answers region heartbeats with operators. */
    OperatorController operators() {
        return operators;
    }

    boolean isBootstrapped() {
        return bootstrapped;
    }

    /** Throws PD's NOT_BOOTSTRAPPED header error unless the cluster is bootstrapped. */
    void requireBootstrapped() {
        if (!bootstrapped) {
            throw PdException.notBootstrapped();
        }
    }

    /** Fails with FAILED_PRECONDITION, PD's words, unless {@code header} names this cluster. */
    void checkHeader(Pdpb.RequestHeader header) {
        if (header.getClusterId() != identity.clusterId()) {
            throw PdException.status(Status.Code.FAILED_PRECONDITION, "mismatch cluster id, need %s but got %s",
                    Long.toUnsignedString(identity.clusterId()), Long.toUnsignedString(header.getClusterId()));
        }
    }

    /** The cluster configuration PD reports. */
    Metapb.Cluster clusterMeta() {
        return Metapb.Cluster.newBuilder().setId(identity.clusterId()).setMaxPeerCount(settings.maxReplicas()).build();
    }

    /**
     * Bootstraps the cluster with its first store and region, as PD's {@code bootstrapCluster}:
     * the store, the region and the bootstrap record are written in one synced batch.
     *
     * @throws PdException ALREADY_BOOTSTRAPPED, or UNKNOWN for a malformed request
     */
    synchronized void bootstrap(Metapb.Store storeMeta, Metapb.Region region) {
        if (bootstrapped) {
            throw PdException.header(Pdpb.ErrorType.ALREADY_BOOTSTRAPPED, "cluster is already bootstrapped");
        }
        checkBootstrap(storeMeta, region);
        Metapb.Store up = StoreRegistry.upStore(storeMeta);
        // PD learns the first leader from the first heartbeat.
        Pdpb.Region first = Pdpb.Region.newBuilder().setRegion(region).build();
        try (MetaStore.Batch batch = store.batch()) {
            StoreRegistry.addTo(batch, up);
            RegionRegistry.addTo(batch, first);
            batch.put(CLUSTER, clusterMeta().toByteArray());
            batch.commit(WriteOptions.SYNC);
        }
        stores.loaded(up);
        regions.loaded(first);
        bootstrapped = true;
    }

    private void checkBootstrap(Metapb.Store storeMeta, Metapb.Region region) {
        long cluster = identity.clusterId();
        if (storeMeta.getId() == 0) {
            throw PdException.unknown("invalid bootstrap of cluster %s: store id must not be 0", Long.toUnsignedString(cluster));
        }
        if (storeMeta.getAddress().isEmpty()) {
            throw PdException.unknown("invalid bootstrap: store %d has no address", storeMeta.getId());
        }
        if (region.getId() == 0) {
            throw PdException.unknown("invalid bootstrap: region id must not be 0");
        }
        if (!region.getStartKey().isEmpty() || !region.getEndKey().isEmpty()) {
            throw PdException.unknown("invalid bootstrap: the first region must cover all keys (empty start and end keys)");
        }
        boolean onStore = false;
        for (Metapb.Peer p : region.getPeersList()) {
            if (p.getId() == 0) {
                throw PdException.unknown("invalid bootstrap: region %d has a peer with id 0", region.getId());
            }
            onStore |= p.getStoreId() == storeMeta.getId();
        }
        if (!onStore) {
            throw PdException.unknown("invalid bootstrap: region %d has no peer on store %d", region.getId(), storeMeta.getId());
        }
    }

    /** Stops handing out timestamps; the engine stays open (it belongs to its bundle). */
    void close() {
        tso.close();
    }
}
