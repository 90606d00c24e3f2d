package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Region routing: the bootstrap region is split at "b" and "d" as TiKV does it (AskBatchSplit,
 * then ReportBatchSplit with right-derive: the original region keeps the rightmost part), then
 * looked up every way a client does.
 */
class RegionsTest {
    @TempDir
    Path dir;
    PdTestCluster cluster;
    Metapb.Region original;
    Metapb.Peer leader;
    Metapb.Region left;
    Metapb.Region middle;
    Metapb.Region right;

    @BeforeEach
    void start() {
        cluster = PdTestCluster.start(dir);
        original = cluster.bootstrap();
        leader = original.getPeers(0);
        assertEquals(List.of(), heartbeat(original, leader));
        Pdpb.AskBatchSplitResponse ask = cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).setRegion(original).setSplitCount(2).build());
        assertFalse(ask.getHeader().hasError(), ask.toString());
        left = splitPart(original, ask.getIds(0), "", "b");
        middle = splitPart(original, ask.getIds(1), "b", "d");
        right = original.toBuilder().setStartKey(key("d")).setRegionEpoch(epoch(3, 1)).build();
        Pdpb.ReportBatchSplitResponse report = cluster.pd().reportBatchSplit(Pdpb.ReportBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).addRegions(left).addRegions(middle).addRegions(right).build());
        assertFalse(report.getHeader().hasError(), report.toString());
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static Metapb.RegionEpoch epoch(long version, long confVer) {
        return Metapb.RegionEpoch.newBuilder().setVersion(version).setConfVer(confVer).build();
    }

    private static Metapb.Region splitPart(Metapb.Region parent, Pdpb.SplitID ids, String start, String end) {
        Metapb.Region.Builder b = Metapb.Region.newBuilder().setId(ids.getNewRegionId())
                .setStartKey(key(start)).setEndKey(key(end)).setRegionEpoch(epoch(3, 1));
        for (int i = 0; i < parent.getPeersCount(); i++) {
            b.addPeers(parent.getPeers(i).toBuilder().setId(ids.getNewPeerIds(i)));
        }
        return b.build();
    }

    /** Sends heartbeats on one stream, half-closes, waits for the end; returns what the PD sent back. */
    private List<Pdpb.RegionHeartbeatResponse> heartbeat(Object... regionsAndLeaders) {
        List<Pdpb.RegionHeartbeatResponse> responses = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<Pdpb.RegionHeartbeatRequest> stream = cluster.async.regionHeartbeat(new StreamObserver<>() {
            @Override
            public void onNext(Pdpb.RegionHeartbeatResponse value) {
                synchronized (responses) {
                    responses.add(value);
                }
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        for (int i = 0; i < regionsAndLeaders.length; i += 2) {
            stream.onNext(Pdpb.RegionHeartbeatRequest.newBuilder().setHeader(cluster.header())
                    .setRegion((Metapb.Region) regionsAndLeaders[i]).setLeader((Metapb.Peer) regionsAndLeaders[i + 1]).build());
        }
        stream.onCompleted();
        try {
            assertTrue(done.await(10, TimeUnit.SECONDS), "the heartbeat stream was not completed");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(List.of(), errors, "the heartbeat stream failed");
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    private Pdpb.GetRegionResponse getRegion(String k) {
        return cluster.pd().getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(cluster.header()).setRegionKey(key(k)).build());
    }

    private Pdpb.GetRegionResponse getPrevRegion(String k) {
        return cluster.pd().getPrevRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(cluster.header()).setRegionKey(key(k)).build());
    }

    private Pdpb.ScanRegionsResponse scan(String start, String end, int limit) {
        return cluster.pd().scanRegions(Pdpb.ScanRegionsRequest.newBuilder().setHeader(cluster.header())
                .setStartKey(key(start)).setEndKey(key(end)).setLimit(limit).build());
    }

    private static List<Long> ids(Pdpb.ScanRegionsResponse r) {
        List<Long> ids = r.getRegionsList().stream().map(x -> x.getRegion().getId()).toList();
        // The legacy fields must say the same.
        assertEquals(ids, r.getRegionMetasList().stream().map(Metapb.Region::getId).toList());
        assertEquals(r.getRegionsList().stream().map(Pdpb.Region::getLeader).toList(), r.getLeadersList());
        return ids;
    }

    @Test
    void askBatchSplitHandsOutFreshIdsForEveryNewRegionAndPeer() {
        Set<Long> all = new HashSet<>(List.of(original.getId(), leader.getId(), leader.getStoreId()));
        for (Metapb.Region r : List.of(left, middle)) {
            assertTrue(all.add(r.getId()));
            assertEquals(1, r.getPeersCount());
            assertTrue(all.add(r.getPeers(0).getId()));
        }
        Pdpb.AskBatchSplitResponse more = cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).setRegion(right).setSplitCount(5).build());
        assertEquals(5, more.getIdsCount());
        for (Pdpb.SplitID s : more.getIdsList()) {
            assertTrue(all.add(s.getNewRegionId()));
            assertEquals(1, s.getNewPeerIdsCount());
            assertTrue(all.add(s.getNewPeerIds(0)));
        }
    }

    @Test
    void askBatchSplitRefusesZeroCountsStaleEpochsAndMissingRegions() {
        Pdpb.AskBatchSplitResponse zero = cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).setRegion(right).setSplitCount(0).build());
        assertEquals(Pdpb.ErrorType.UNKNOWN, zero.getHeader().getError().getType());
        Pdpb.AskBatchSplitResponse stale = cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).setRegion(right.toBuilder().setRegionEpoch(epoch(1, 1))).setSplitCount(1).build());
        assertEquals(Pdpb.ErrorType.UNKNOWN, stale.getHeader().getError().getType());
        assertTrue(stale.getHeader().getError().getMessage().contains("epoch"), stale.toString());
        Pdpb.AskBatchSplitResponse missing = cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).setSplitCount(1).build());
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, missing.getHeader().getError().getType());
        assertEquals(0, zero.getIdsCount() + stale.getIdsCount() + missing.getIdsCount());
    }

    @Test
    void getRegionRoutesEveryKeyToItsRegionWithTheLeader() {
        assertEquals(left, getRegion("").getRegion());
        assertEquals(left, getRegion("a").getRegion());
        assertEquals(middle, getRegion("b").getRegion());
        assertEquals(middle, getRegion("c\u00ff").getRegion());
        assertEquals(right, getRegion("d").getRegion());
        assertEquals(right, getRegion("zzzz").getRegion());
        // The new regions' leaders are the peers on the old leader's store.
        assertEquals(left.getPeers(0), getRegion("a").getLeader());
        assertEquals(leader, getRegion("e").getLeader());
        assertEquals(cluster.state.clusterId(), getRegion("a").getHeader().getClusterId());
    }

    @Test
    void getRegionByIdFindsKnownRegionsAndAnswersHeaderOnlyOtherwise() {
        Pdpb.GetRegionResponse byId = cluster.pd().getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder()
                .setHeader(cluster.header()).setRegionId(middle.getId()).build());
        assertEquals(middle, byId.getRegion());
        Pdpb.GetRegionResponse none = cluster.pd().getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder()
                .setHeader(cluster.header()).setRegionId(123456).build());
        assertFalse(none.getHeader().hasError());
        assertEquals(0, none.getRegion().getId());
        assertFalse(none.hasRegion());
    }

    @Test
    void getPrevRegionReturnsTheAdjacentRegionBefore() {
        assertEquals(left, getPrevRegion("c").getRegion());
        assertEquals(middle, getPrevRegion("d").getRegion());
        Pdpb.GetRegionResponse first = getPrevRegion("a");
        assertFalse(first.getHeader().hasError());
        assertEquals(0, first.getRegion().getId());
    }

    @Test
    void scanRegionsHonoursStartEndAndLimit() {
        assertEquals(List.of(left.getId(), middle.getId(), right.getId()), ids(scan("", "", 0)));
        assertEquals(List.of(middle.getId(), right.getId()), ids(scan("c", "", 2)));
        assertEquals(List.of(middle.getId()), ids(scan("c", "", 1)));
        assertEquals(List.of(left.getId(), middle.getId()), ids(scan("", "d", 0)));
        assertEquals(List.of(left.getId()), ids(scan("a", "b", 1000)));
        assertEquals(List.of(right.getId()), ids(scan("x", "", 1000)));
        Pdpb.ScanRegionsResponse r = scan("", "", 1000);
        assertEquals(left.getPeers(0), r.getRegions(0).getLeader());
        assertEquals(right, r.getRegions(2).getRegion());
    }

    @Test
    void aStaleHeartbeatIsIgnored() {
        // The pre-split region, as a slow leader might still report it.
        assertEquals(List.of(), heartbeat(original, leader));
        assertEquals(3, cluster.state.regions().tree().size());
        assertEquals(left, getRegion("a").getRegion());
        assertEquals(right, getRegion("z").getRegion());
        // Older conf_ver for a known id is stale too.
        Metapb.Region olderConf = right.toBuilder().setRegionEpoch(epoch(3, 0)).build();
        heartbeat(olderConf, leader);
        assertEquals(right, getRegion("z").getRegion());
    }

    @Test
    void heartbeatsMoveLeadersAndMergesReplaceTheRegionsTheyCover() {
        Metapb.Peer newLeader = Metapb.Peer.newBuilder().setId(cluster.allocId()).setStoreId(leader.getStoreId()).build();
        Metapb.Region withTwoPeers = right.toBuilder().addPeers(newLeader).setRegionEpoch(epoch(3, 2)).build();
        heartbeat(withTwoPeers, newLeader);
        assertEquals(newLeader, getRegion("z").getLeader());
        assertEquals(withTwoPeers, getRegion("z").getRegion());
        // middle merges right: it now ends at +inf with a greater version.
        Metapb.Region merged = middle.toBuilder().setEndKey(ByteString.EMPTY).setRegionEpoch(epoch(5, 2)).build();
        heartbeat(merged, middle.getPeers(0));
        assertEquals(merged, getRegion("z").getRegion());
        assertEquals(2, cluster.state.regions().tree().size());
        assertEquals(0, cluster.pd().getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder().setHeader(cluster.header())
                .setRegionId(right.getId()).build()).getRegion().getId());
    }

    @Test
    void malformedHeartbeatsAreAnsweredWithAnErrorAndTheStreamGoesOn() {
        Metapb.Peer strangerLeader = Metapb.Peer.newBuilder().setId(5000).setStoreId(4242).build();
        Metapb.Region noPeers = right.toBuilder().clearPeers().build();
        List<Pdpb.RegionHeartbeatResponse> responses = heartbeat(
                right, strangerLeader,
                noPeers, leader,
                right, Metapb.Peer.getDefaultInstance(),
                right.toBuilder().setRegionEpoch(epoch(4, 1)).build(), leader);
        assertEquals(3, responses.size(), responses.toString());
        assertTrue(responses.get(0).getHeader().getError().getMessage().contains("invalid store ID 4242"));
        for (Pdpb.RegionHeartbeatResponse r : responses) {
            assertEquals(Pdpb.ErrorType.UNKNOWN, r.getHeader().getError().getType());
            assertEquals(right.getId(), r.getRegionId());
        }
        assertEquals(4, getRegion("z").getRegion().getRegionEpoch().getVersion(), "the valid heartbeat after them applied");
    }

    @Test
    void regionsAndLeadersSurviveRestart() {
        List<Long> before = ids(scan("", "", 0));
        cluster.restart();
        assertEquals(before, ids(scan("", "", 0)));
        assertEquals(middle, getRegion("c").getRegion());
        assertEquals(middle.getPeers(0), getRegion("c").getLeader());
        assertEquals(left, getPrevRegion("b").getRegion());
    }

    @Test
    void reportBatchSplitRefusesGapsBetweenRegions() {
        Pdpb.ReportBatchSplitResponse r = cluster.pd().reportBatchSplit(Pdpb.ReportBatchSplitRequest.newBuilder()
                .setHeader(cluster.header()).addRegions(left).addRegions(right).build());
        assertEquals(Pdpb.ErrorType.UNKNOWN, r.getHeader().getError().getType());
        assertEquals(3, cluster.state.regions().tree().size());
    }
}
