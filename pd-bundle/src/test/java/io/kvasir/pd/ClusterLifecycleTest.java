package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Identity, membership, cluster id checks, id allocation and bootstrap. */
class ClusterLifecycleTest {
    @TempDir
    Path dir;
    PdTestCluster cluster;

    @BeforeEach
    void start() {
        cluster = PdTestCluster.start(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Pdpb.GetMembersResponse members() {
        return cluster.pd().getMembers(Pdpb.GetMembersRequest.newBuilder()
                .setHeader(Pdpb.RequestHeader.newBuilder().setClusterId(0)).build());
    }

    @Test
    void getMembersAnswersWithClusterIdZeroBeforeBootstrapAndNamesThisMemberAsLeader() {
        Pdpb.GetMembersResponse r = members();
        assertEquals(cluster.state.clusterId(), r.getHeader().getClusterId());
        assertFalse(r.getHeader().hasError());
        assertEquals(1, r.getMembersCount());
        Pdpb.Member me = r.getMembers(0);
        assertNotEquals(0, me.getMemberId());
        assertEquals("pd-1", me.getName());
        assertEquals(List.of("http://127.0.0.1:2379"), me.getClientUrlsList());
        assertEquals(List.of("http://127.0.0.1:2379"), me.getPeerUrlsList());
        assertEquals(me, r.getLeader());
        assertEquals(me, r.getEtcdLeader());
    }

    @Test
    void clusterIdIsUnixSecondsAboveRandomBitsAndStableAcrossRestart() {
        long id = members().getHeader().getClusterId();
        long member = members().getLeader().getMemberId();
        assertEquals(cluster.clock.instant().getEpochSecond(), id >>> 32);
        cluster.clock.advance(Duration.ofDays(3));
        cluster.restart();
        // The restart used another random seed and a later clock: only the disk can give the same ids.
        assertEquals(id, members().getHeader().getClusterId());
        assertEquals(member, members().getLeader().getMemberId());
    }

    @Test
    void differentSeedsMakeDifferentClusters(@TempDir Path other) {
        try (PdTestCluster second = PdTestCluster.builder(other).seed(7).start()) {
            assertNotEquals(cluster.state.clusterId(), second.state.clusterId());
            assertNotEquals(cluster.state.identity().memberId(), second.state.identity().memberId());
        }
    }

    @Test
    void aWrongClusterIdIsRefusedWithPdsMessage() {
        long id = cluster.state.clusterId();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.pd().isBootstrapped(
                Pdpb.IsBootstrappedRequest.newBuilder().setHeader(Pdpb.RequestHeader.newBuilder().setClusterId(id + 1)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
        assertEquals("mismatch cluster id, need " + id + " but got " + (id + 1), e.getStatus().getDescription());
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> cluster.pd().allocID(Pdpb.AllocIDRequest.getDefaultInstance()));
        assertEquals("mismatch cluster id, need " + id + " but got 0", missing.getStatus().getDescription());
    }

    @Test
    void allocatedIdsAreUniqueAndIncreasingAcrossRestarts() {
        Set<Long> seen = new HashSet<>();
        long previous = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1500; i++) {
                long id = round == 1 ? cluster.state.ids().alloc() : cluster.allocId();
                assertTrue(id > previous, "id " + id + " after " + previous);
                assertTrue(seen.add(id));
                previous = id;
            }
            cluster.restart();
        }
        assertTrue(cluster.allocId() > previous);
    }

    @Test
    void theIdReservationIsOnDiskBeforeIdsAreUsed() {
        long id = cluster.allocId();
        long reserved = new MetaStore(cluster.engine).getLong(IdAllocator.KEY).orElseThrow();
        assertTrue(reserved >= id, "id " + id + " handed out beyond the persisted reservation " + reserved);
        long[] many = cluster.state.ids().allocMany(2500);
        long reservedAfter = new MetaStore(cluster.engine).getLong(IdAllocator.KEY).orElseThrow();
        assertTrue(reservedAfter >= many[many.length - 1]);
    }

    @Test
    void isBootstrappedFlipsOnceAndSurvivesRestart() {
        Pdpb.IsBootstrappedRequest ask = Pdpb.IsBootstrappedRequest.newBuilder().setHeader(cluster.header()).build();
        assertFalse(cluster.pd().isBootstrapped(ask).getBootstrapped());
        cluster.bootstrap();
        assertTrue(cluster.pd().isBootstrapped(ask).getBootstrapped());
        cluster.restart();
        assertTrue(cluster.pd().isBootstrapped(
                Pdpb.IsBootstrappedRequest.newBuilder().setHeader(cluster.header()).build()).getBootstrapped());
    }

    @Test
    void bootstrappingTwiceAnswersAlreadyBootstrapped() {
        Metapb.Region region = cluster.bootstrap();
        Pdpb.BootstrapResponse again = cluster.pd().bootstrap(Pdpb.BootstrapRequest.newBuilder().setHeader(cluster.header())
                .setStore(Metapb.Store.newBuilder().setId(99).setAddress("127.0.0.1:1"))
                .setRegion(region.toBuilder().setId(98).setPeers(0, Metapb.Peer.newBuilder().setId(97).setStoreId(99)))
                .build());
        assertEquals(Pdpb.ErrorType.ALREADY_BOOTSTRAPPED, again.getHeader().getError().getType());
        assertEquals(cluster.state.clusterId(), again.getHeader().getClusterId());
        assertEquals(region.getId(), cluster.state.regions().tree().byKey(ByteString.EMPTY)
                .getRegion().getId(), "the second bootstrap changed nothing");
    }

    @Test
    void malformedBootstrapsAreRefusedAndLeaveTheClusterUnbootstrapped() {
        Metapb.Store store = Metapb.Store.newBuilder().setId(1).setAddress("127.0.0.1:20160").build();
        Metapb.Region region = Metapb.Region.newBuilder().setId(2)
                .addPeers(Metapb.Peer.newBuilder().setId(3).setStoreId(1)).build();
        assertBootstrapRefused(store.toBuilder().setId(0).build(), region, "store id");
        assertBootstrapRefused(store, region.toBuilder().setId(0).build(), "region id");
        assertBootstrapRefused(store, region.toBuilder().setPeers(0, Metapb.Peer.newBuilder().setId(3).setStoreId(5)).build(),
                "no peer on store 1");
        assertBootstrapRefused(store, region.toBuilder().clearPeers().build(), "no peer on store 1");
        assertBootstrapRefused(store, region.toBuilder().setEndKey(ByteString.copyFromUtf8("m")).build(),
                "cover all keys");
        assertFalse(cluster.state.isBootstrapped());
    }

    private void assertBootstrapRefused(Metapb.Store store, Metapb.Region region, String reason) {
        Pdpb.BootstrapResponse r = cluster.pd().bootstrap(
                Pdpb.BootstrapRequest.newBuilder().setHeader(cluster.header()).setStore(store).setRegion(region).build());
        assertEquals(Pdpb.ErrorType.UNKNOWN, r.getHeader().getError().getType(), r.toString());
        assertTrue(r.getHeader().getError().getMessage().contains(reason), r.getHeader().getError().getMessage());
    }

    @Test
    void regionAndStoreCallsAnswerNotBootstrappedBeforeBootstrap() {
        Pdpb.RequestHeader h = cluster.header();
        var pd = cluster.pd();
        List<Pdpb.ResponseHeader> headers = List.of(
                pd.getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(h).build()).getHeader(),
                pd.getPrevRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(h).build()).getHeader(),
                pd.getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder().setHeader(h).setRegionId(2).build()).getHeader(),
                pd.scanRegions(Pdpb.ScanRegionsRequest.newBuilder().setHeader(h).build()).getHeader(),
                pd.putStore(Pdpb.PutStoreRequest.newBuilder().setHeader(h)
                        .setStore(Metapb.Store.newBuilder().setId(1).setAddress("a:1")).build()).getHeader(),
                pd.getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(h).setStoreId(1).build()).getHeader(),
                pd.getAllStores(Pdpb.GetAllStoresRequest.newBuilder().setHeader(h).build()).getHeader(),
                pd.storeHeartbeat(Pdpb.StoreHeartbeatRequest.newBuilder().setHeader(h)
                        .setStats(Pdpb.StoreStats.newBuilder().setStoreId(1)).build()).getHeader(),
                pd.askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder().setHeader(h).setSplitCount(1)
                        .setRegion(Metapb.Region.newBuilder().setId(2)).build()).getHeader(),
                pd.reportBatchSplit(Pdpb.ReportBatchSplitRequest.newBuilder().setHeader(h).build()).getHeader(),
                pd.getClusterConfig(Pdpb.GetClusterConfigRequest.newBuilder().setHeader(h).build()).getHeader());
        for (Pdpb.ResponseHeader header : headers) {
            assertEquals(Pdpb.ErrorType.NOT_BOOTSTRAPPED, header.getError().getType());
            assertEquals(cluster.state.clusterId(), header.getClusterId());
        }
    }

    @Test
    void clusterConfigReportsTheConfiguredReplicas() {
        cluster.bootstrap();
        Pdpb.GetClusterConfigResponse r = cluster.pd().getClusterConfig(
                Pdpb.GetClusterConfigRequest.newBuilder().setHeader(cluster.header()).build());
        assertEquals(cluster.state.clusterId(), r.getCluster().getId());
        assertEquals(3, r.getCluster().getMaxPeerCount());
    }

    @Test
    void getOperatorAnswersRegionNotFoundForARegionWithoutAnOperator() {
        Pdpb.GetOperatorRequest ask = Pdpb.GetOperatorRequest.newBuilder().setHeader(cluster.header()).setRegionId(2).build();
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, cluster.pd().getOperator(ask).getHeader().getError().getType());
        Metapb.Region region = cluster.bootstrap();
        Pdpb.GetOperatorResponse r = cluster.pd().getOperator(ask.toBuilder().setRegionId(region.getId()).build());
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, r.getHeader().getError().getType());
        assertEquals(cluster.state.clusterId(), r.getHeader().getClusterId());
        Pdpb.ScatterRegionResponse scatter = cluster.pd().scatterRegion(Pdpb.ScatterRegionRequest.newBuilder()
                .setHeader(cluster.header()).addRegionsId(region.getId()).build());
        assertFalse(scatter.getHeader().hasError());
    }

    @Test
    void unimplementedCallsSayUnimplemented() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.pd().putClusterConfig(
                Pdpb.PutClusterConfigRequest.newBuilder().setHeader(cluster.header()).build()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    }
}
