package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionException;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.store.peer.PeerDriver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing checks in TiKV's order, and writes through a real single-voter Raft group. */
class LocalRegionStoreTest {
    private static final long STORE = 1;

    @TempDir
    Path dir;
    RocksDbEngine engine;
    PeerDriver driver;
    ExecutorService completions = Executors.newFixedThreadPool(2);
    Metapb.Region region = Metapb.Region.newBuilder().setId(2)
            .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
            .addPeers(Metapb.Peer.newBuilder().setId(3).setStoreId(STORE)).build();

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
        driver = new PeerDriver(engine, Duration.ofMillis(100), 1 << 20, 1000, Clock.systemUTC());
        driver.start();
        driver.open(region, region.getPeers(0)).join();
    }

    @AfterEach
    void close() {
        driver.close();
        engine.close();
        completions.shutdownNow();
    }

    LocalRegionStore store(int maxInflight) {
        LocalRegionStore s = new LocalRegionStore(STORE, engine, driver, maxInflight, completions);
        return s;
    }

    Kvrpcpb.Context context() {
        return Kvrpcpb.Context.newBuilder().setRegionId(2).setRegionEpoch(region.getRegionEpoch())
                .setPeer(region.getPeers(0)).build();
    }

    static Errorpb.Error errorOf(Runnable r) {
        return assertThrows(RegionException.class, r::run).error();
    }

    static Errorpb.Error errorOf(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return assertInstanceOf(RegionException.class, e.getCause()).error();
    }

    static RaftCmdpb.Request put(String key, byte[] value) {
        return RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.Put)
                .setPut(RaftCmdpb.PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFrom(value)))
                .build();
    }

    @Test
    void routeChecksStoreRegionPeerAndEpochInTikvsOrder() {
        LocalRegionStore s = store(10);
        Kvrpcpb.Context ok = context();
        assertEquals(2, s.route(ok).regionId());

        Kvrpcpb.Context otherStore = ok.toBuilder().setPeer(ok.getPeer().toBuilder().setStoreId(9)).setRegionId(77).build();
        assertTrue(errorOf(() -> s.route(otherStore)).hasStoreNotMatch(), "the store is checked before the region");
        assertTrue(errorOf(() -> s.route(ok.toBuilder().setRegionId(77).build())).hasRegionNotFound());
        assertTrue(errorOf(() -> s.route(ok.toBuilder().setPeer(ok.getPeer().toBuilder().setId(99)).build()))
                .getMessage().contains("mismatch peer id"));
        Errorpb.Error stale = errorOf(() -> s.route(ok.toBuilder().setRegionEpoch(
                Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(0)).build()));
        assertEquals(List.of(region), stale.getEpochNotMatch().getCurrentRegionsList());
        assertTrue(errorOf(() -> s.route(ok.toBuilder().setRegionEpoch(
                Metapb.RegionEpoch.newBuilder().setConfVer(2).setVersion(1)).build())).hasEpochNotMatch(),
                "a conf_ver that differs is refused too");
    }

    @Test
    void leaderRegionsAreTheRegionsThisStoreLeadsAsRoutes() throws InterruptedException {
        LocalRegionStore s = store(10);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (s.leaderRegions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<RegionRoute> led = s.leaderRegions();
        assertEquals(List.of(new RegionRoute(region, region.getPeers(0))), led);
    }

    @Test
    void writesAreAppliedBeforeTheyComplete() {
        LocalRegionStore s = store(10);
        RegionRoute route = s.route(context());
        s.write(route, List.of(put("k", new byte[] {1, 2}))).join();
        assertArrayEquals(new byte[] {1, 2}, engine.get(ColumnFamily.DEFAULT, DataKeys.data("k".getBytes())));
    }

    @Test
    void tooLargeEntriesAndOverloadAreRegionErrorsAndWriteNothing() {
        RegionRoute route = store(10).route(context());
        Errorpb.Error tooLarge = errorOf(store(10).write(route, List.of(put("big", new byte[2 << 20]))));
        assertEquals(2, tooLarge.getRaftEntryTooLarge().getRegionId());
        Errorpb.Error busy = errorOf(store(0).write(route, List.of(put("busy", new byte[1]))));
        assertTrue(busy.hasServerIsBusy(), busy.toString());
        assertEquals(null, engine.get(ColumnFamily.DEFAULT, DataKeys.data("big".getBytes())));
        assertEquals(null, engine.get(ColumnFamily.DEFAULT, DataKeys.data("busy".getBytes())));
    }
}
