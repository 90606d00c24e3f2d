package io.kvasir.raft.store.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Metapb;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PdStoreResolverTest {
    private final Map<Long, Metapb.Store> pd = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final PdStoreResolver resolver = new PdStoreResolver(id -> {
        lookups.incrementAndGet();
        return pd.get(id);
    });

    private static Metapb.Store store(long id, String address) {
        return Metapb.Store.newBuilder().setId(id).setAddress(address).setState(Metapb.StoreState.Up).build();
    }

    @Test
    void cachesUntilTheConnectionFails() {
        pd.put(2L, store(2, "h2:20160"));
        assertEquals("h2:20160", resolver.resolve(2));
        pd.put(2L, store(2, "h2-moved:20160"));
        assertEquals("h2:20160", resolver.resolve(2), "cached");
        assertEquals(1, lookups.get());
        resolver.invalidate(2);
        assertEquals("h2-moved:20160", resolver.resolve(2));
        assertEquals(2, lookups.get());
    }

    @Test
    void thePeerAddressWinsWhenSet() {
        pd.put(3L, store(3, "client:20160").toBuilder().setPeerAddress("peer:20161").build());
        assertEquals("peer:20161", resolver.resolve(3));
    }

    @Test
    void unknownTombstoneAddresslessAndUnansweredStoresDoNotResolve() {
        pd.put(4L, store(4, "h4:1").toBuilder().setState(Metapb.StoreState.Tombstone).build());
        pd.put(5L, store(5, ""));
        assertUnresolved(9, "no such store");
        assertUnresolved(4, "tombstone");
        assertUnresolved(5, "no address");
        PdStoreResolver down = new PdStoreResolver(id -> {
            throw new IllegalStateException("not connected to PD");
        });
        StoreResolver.UnresolvedStoreException e =
                assertThrows(StoreResolver.UnresolvedStoreException.class, () -> down.resolve(2));
        assertTrue(e.getMessage().contains("not connected to PD"), e.getMessage());
        assertEquals(2, e.storeId());
    }

    private void assertUnresolved(long storeId, String why) {
        StoreResolver.UnresolvedStoreException e =
                assertThrows(StoreResolver.UnresolvedStoreException.class, () -> resolver.resolve(storeId));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
