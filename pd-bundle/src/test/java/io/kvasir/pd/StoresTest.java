package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    @TempDir
    Path dir;
    PdTestCluster cluster;
    long firstStore;

    @BeforeEach
    void start() {
        cluster = PdTestCluster.start(dir);
        firstStore = cluster.bootstrap().getPeers(0).getStoreId();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Pdpb.PutStoreResponse put(Metapb.Store store) {
        return cluster.pd().putStore(Pdpb.PutStoreRequest.newBuilder().setHeader(cluster.header()).setStore(store).build());
    }

    private Pdpb.GetStoreResponse get(long id) {
        return cluster.pd().getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(cluster.header()).setStoreId(id).build());
    }

    private List<Metapb.Store> all(boolean excludeTombstones) {
        return cluster.pd().getAllStores(Pdpb.GetAllStoresRequest.newBuilder().setHeader(cluster.header())
                .setExcludeTombstoneStores(excludeTombstones).build()).getStoresList();
    }

    private static Metapb.Store store(long id, String address) {
        return Metapb.Store.newBuilder().setId(id).setAddress(address).setVersion("7.1.0").build();
    }

    @Test
    void theBootstrapStoreIsUp() {
        Metapb.Store s = get(firstStore).getStore();
        assertEquals("127.0.0.1:20160", s.getAddress());
        assertEquals(Metapb.StoreState.Up, s.getState());
        assertEquals(List.of(s), all(true));
    }

    @Test
    void putStoreRegistersAStoreThatIsUpAndSurvivesRestart() {
        long id = cluster.allocId();
        Pdpb.PutStoreResponse r = put(store(id, "127.0.0.1:20161").toBuilder().setState(Metapb.StoreState.Offline).build());
        assertFalse(r.getHeader().hasError(), r.toString());
        assertEquals(Metapb.StoreState.Up, get(id).getStore().getState());
        cluster.restart();
        Metapb.Store after = get(id).getStore();
        assertEquals("127.0.0.1:20161", after.getAddress());
        assertEquals("7.1.0", after.getVersion());
        assertEquals(2, all(false).size());
    }

    @Test
    void aStoreMayReRegisterWithItsOwnAddressOrMoveToAFreeOne() {
        assertFalse(put(store(firstStore, "127.0.0.1:20160")).getHeader().hasError());
        assertFalse(put(store(firstStore, "127.0.0.1:30000")).getHeader().hasError());
        assertEquals("127.0.0.1:30000", get(firstStore).getStore().getAddress());
    }

    @Test
    void anAddressUsedByAnotherStoreIsRefused() {
        Pdpb.PutStoreResponse r = put(store(cluster.allocId(), "127.0.0.1:20160"));
        assertEquals(Pdpb.ErrorType.UNKNOWN, r.getHeader().getError().getType());
        assertTrue(r.getHeader().getError().getMessage().contains("duplicated store address"), r.toString());
        assertEquals(1, all(false).size());
    }

    @Test
    void missingIdOrAddressAndTombstonesAreRefused() {
        assertEquals(Pdpb.ErrorType.UNKNOWN, put(store(0, "127.0.0.1:1")).getHeader().getError().getType());
        assertEquals(Pdpb.ErrorType.UNKNOWN, put(store(77, "")).getHeader().getError().getType());
        Pdpb.PutStoreResponse tomb = put(store(78, "127.0.0.1:2").toBuilder().setState(Metapb.StoreState.Tombstone).build());
        assertEquals(Pdpb.ErrorType.STORE_TOMBSTONE, tomb.getHeader().getError().getType());
        assertEquals(1, all(false).size());
    }

    @Test
    void anUnknownStoreIdFailsWithTheMessageTheClientGivesUpOn() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> get(7));
        assertEquals(Status.Code.UNKNOWN, e.getStatus().getCode());
        assertEquals("invalid store ID 7, not found", e.getStatus().getDescription());
        // tikv-client-java's PDErrorHandler tests exactly this: a StatusRuntimeException whose
        // message contains "invalid store ID".
        assertTrue(e.getMessage().contains("invalid store ID"));
    }

    @Test
    void storeHeartbeatsRecordStatsAndTime() {
        cluster.clock.advance(Duration.ofSeconds(5));
        Pdpb.StoreHeartbeatResponse r = cluster.pd().storeHeartbeat(Pdpb.StoreHeartbeatRequest.newBuilder()
                .setHeader(cluster.header())
                .setStats(Pdpb.StoreStats.newBuilder().setStoreId(firstStore).setCapacity(1000).setAvailable(400).setRegionCount(1))
                .build());
        assertFalse(r.getHeader().hasError(), r.toString());
        assertEquals("7.1.0", r.getClusterVersion());
        Pdpb.GetStoreResponse g = get(firstStore);
        assertEquals(400, g.getStats().getAvailable());
        assertEquals(cluster.clock.millis() * 1_000_000L, g.getStore().getLastHeartbeat());
    }

    @Test
    void heartbeatsOfUnknownStoresOrWithoutStatsAreRefused() {
        Pdpb.StoreHeartbeatResponse r = cluster.pd().storeHeartbeat(Pdpb.StoreHeartbeatRequest.newBuilder()
                .setHeader(cluster.header()).setStats(Pdpb.StoreStats.newBuilder().setStoreId(999)).build());
        assertEquals(Pdpb.ErrorType.UNKNOWN, r.getHeader().getError().getType());
        assertTrue(r.getHeader().getError().getMessage().contains("999"));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.pd().storeHeartbeat(
                Pdpb.StoreHeartbeatRequest.newBuilder().setHeader(cluster.header()).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }
}
