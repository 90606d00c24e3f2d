package io.kvasir.raft.store.transport;

import io.kvasir.kvproto.Metapb;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves stores through PD's {@code GetStore}, caching each address until the transport reports
 * that its connection failed ({@link #invalidate}); then the next resolution asks PD again. A
 * store's {@code peer_address} wins over its {@code address} when set, as in TiKV. Tombstone
 * stores do not resolve: they will never serve again.
 */
public final class PdStoreResolver implements StoreResolver {

    /** How the resolver asks PD; in production {@code pdClient::getStore}. */
    @FunctionalInterface
    public interface StoreLookup {
        /** The store PD knows by this id, or null if it knows none. */
        Metapb.Store getStore(long storeId);
    }

    private final StoreLookup pd;
    private final Map<Long, String> cache = new ConcurrentHashMap<>();

    public PdStoreResolver(StoreLookup pd) {
        this.pd = pd;
    }

    @Override
    public String resolve(long storeId) {
        String cached = cache.get(storeId);
        if (cached != null) {
            return cached;
        }
        Metapb.Store store;
        try {
            store = pd.getStore(storeId);
        } catch (RuntimeException e) {
            throw new UnresolvedStoreException(storeId, "PD did not answer: " + e.getMessage(), e);
        }
        if (store == null) {
            throw new UnresolvedStoreException(storeId, "PD knows no such store", null);
        }
        if (store.getState() == Metapb.StoreState.Tombstone) {
            throw new UnresolvedStoreException(storeId, "it is a tombstone", null);
        }
        String address = store.getPeerAddress().isEmpty() ? store.getAddress() : store.getPeerAddress();
        if (address.isEmpty()) {
            throw new UnresolvedStoreException(storeId, "PD has no address for it", null);
        }
        cache.put(storeId, address);
        return address;
    }

    @Override
    public void invalidate(long storeId) {
        cache.remove(storeId);
    }
}
