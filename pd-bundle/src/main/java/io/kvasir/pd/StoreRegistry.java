package io.kvasir.pd;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stores of the cluster: their metadata, persisted (synced) under {@code pd/store/<id>}, and
 * their latest heartbeat statistics and time, kept in memory only as PD does between its
 * periodic flushes.
 *
 * <p>Rules, as PD's {@code RaftCluster.PutStore}: a store needs an id and an address; two stores
 * that are not tombstones never share an address; a tombstone store can never come back. A store
 * keeps its state across PutStore calls and starts Up.
 */
final class StoreRegistry {
    static final String PREFIX = "pd/store/";

    private final MetaStore store;
    private final Clock clock;
    private final Map<Long, Entry> stores = new TreeMap<>();

    /** One store: its metadata, latest stats (null before the first heartbeat) and heartbeat time in ms (0: none). */
    private record Entry(Metapb.Store meta, Pdpb.StoreStats stats, long lastHeartbeatMillis) {
    }

    private StoreRegistry(MetaStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    static StoreRegistry open(MetaStore store, Clock clock) {
        StoreRegistry registry = new StoreRegistry(store, clock);
        for (MetaStore.Entry e : store.scan(PREFIX)) {
            try {
                Metapb.Store meta = Metapb.Store.parseFrom(e.value());
                registry.stores.put(meta.getId(), new Entry(meta, null, 0));
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("PD store record " + new String(e.name(), StandardCharsets.UTF_8)
                        + " is corrupt: " + ex.getMessage(), ex);
            }
        }
        return registry;
    }

    /** The metadata of a new store as the cluster keeps it: Up and serving. */
    static Metapb.Store upStore(Metapb.Store store) {
        return store.toBuilder().setState(Metapb.StoreState.Up).setNodeState(Metapb.NodeState.Serving).build();
    }

    /** The batch entry that persists {@code meta}; used by bootstrap to write it with the rest. */
    static void addTo(MetaStore.Batch batch, Metapb.Store meta) {
        batch.put(MetaStore.idName(PREFIX, meta.getId()), meta.toByteArray());
    }

    /** Adds a store persisted elsewhere (bootstrap). */
    synchronized void loaded(Metapb.Store meta) {
        stores.put(meta.getId(), new Entry(meta, null, 0));
    }

    /**
     * Registers or updates a store.
     *
     * @throws PdException (header error) for a missing id or address, an address taken by
     *                     another live store, or a tombstone store
     */
    synchronized Metapb.Store put(Metapb.Store incoming) {
        if (incoming.getId() == 0) {
            throw PdException.unknown("invalid put store: store id must not be 0");
        }
        if (incoming.getAddress().isEmpty()) {
            throw PdException.unknown("invalid put store %d: address must not be empty", incoming.getId());
        }
        Entry existing = stores.get(incoming.getId());
        if (incoming.getState() == Metapb.StoreState.Tombstone
                || existing != null && existing.meta().getState() == Metapb.StoreState.Tombstone) {
            throw PdException.header(Pdpb.ErrorType.STORE_TOMBSTONE, "store %d is tombstone", incoming.getId());
        }
        for (Entry other : stores.values()) {
            Metapb.Store o = other.meta();
            if (o.getId() != incoming.getId() && o.getState() != Metapb.StoreState.Tombstone
                    && o.getAddress().equals(incoming.getAddress())) {
                throw PdException.unknown("duplicated store address: %s, already registered by store %d",
                        incoming.getAddress(), o.getId());
            }
        }
        Metapb.Store meta = existing == null
                ? upStore(incoming)
                : incoming.toBuilder().setState(existing.meta().getState()).setNodeState(existing.meta().getNodeState())
                        .build();
        try (MetaStore.Batch batch = store.batch()) {
            addTo(batch, meta);
            batch.commit(WriteOptions.SYNC);
        }
        stores.put(meta.getId(), existing == null ? new Entry(meta, null, 0)
                : new Entry(meta, existing.stats(), existing.lastHeartbeatMillis()));
        return meta;
    }

    /** The store with {@code id} (last heartbeat filled in, in Unix nanoseconds as PD), or null. */
    synchronized Metapb.Store get(long id) {
        Entry e = stores.get(id);
        return e == null ? null : withHeartbeat(e);
    }

    /** The latest heartbeat statistics of store {@code id}, or null. */
    synchronized Pdpb.StoreStats stats(long id) {
        Entry e = stores.get(id);
        return e == null ? null : e.stats();
    }

    /** Every store in id order, tombstones included unless {@code excludeTombstones}. */
    synchronized List<Metapb.Store> all(boolean excludeTombstones) {
        List<Metapb.Store> result = new ArrayList<>();
        for (Entry e : stores.values()) {
            if (!excludeTombstones || e.meta().getState() != Metapb.StoreState.Tombstone) {
                result.add(withHeartbeat(e));
            }
        }
        return result;
    }

    /**
     * Records a store heartbeat.
     *
     * @throws PdException (header error) for an unknown or tombstone store
     */
    synchronized void heartbeat(Pdpb.StoreStats stats) {
        long id = stats.getStoreId();
        Entry e = stores.get(id);
        if (e == null) {
            throw PdException.unknown("store %d not found", id);
        }
        if (e.meta().getState() == Metapb.StoreState.Tombstone) {
            throw PdException.header(Pdpb.ErrorType.STORE_TOMBSTONE, "store %d is tombstone", id);
        }
        stores.put(id, new Entry(e.meta(), stats, clock.millis()));
    }

    private static Metapb.Store withHeartbeat(Entry e) {
        if (e.lastHeartbeatMillis() == 0) {
            return e.meta();
        }
        return e.meta().toBuilder().setLastHeartbeat(e.lastHeartbeatMillis() * 1_000_000L).build();
    }
}
