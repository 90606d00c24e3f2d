package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.TikvGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.raw.RawKVClient;

/**
 * The playground keeps its data and identity across a restart on the same directory, and a store
 * answers requests no client would send (unknown region, stale epoch, another store's peer) with
 * the region errors TiKV gives, writing nothing.
 */
class PlaygroundRestartTest {
    @TempDir
    Path data;

    @Test
    void dataAndIdentitySurviveARestart() throws Exception {
        Path dir = data.resolve("pg");
        long clusterId;
        long storeId;
        try (Playground pg = Playground.start(dir, "--stores", "1")) {
            withClient(pg, client -> client.put(bs("restart/k"), bs("before")));
            clusterId = members(pg).getHeader().getClusterId();
            storeId = onlyStore(pg).getId();
            int exit = pg.stop();
            assertTrue(exit == 0 || exit == 143, pg.output());
        }
        try (Playground pg = Playground.start(dir, "--stores", "1")) {
            assertEquals(clusterId, members(pg).getHeader().getClusterId(), "same cluster");
            assertEquals(storeId, onlyStore(pg).getId(), "same store identity");
            withClient(pg, client -> {
                assertEquals(Optional.of(bs("before")), client.get(bs("restart/k")));
                client.put(bs("restart/k"), bs("after"));
                assertEquals(Optional.of(bs("after")), client.get(bs("restart/k")));
            });
        }
    }

    @Test
    void killingThePlaygroundStopsItsNodes() throws Exception {
        try (Playground pg = Playground.start(data.resolve("pg"))) {
            java.util.List<ProcessHandle> nodes = pg.nodes();
            assertEquals(4, nodes.size(), "a PD and three stores: " + nodes);
            pg.kill();
            for (ProcessHandle node : nodes) {
                node.onExit().get(60, TimeUnit.SECONDS);
                assertTrue(!node.isAlive(), "node " + node.pid() + " outlived its playground");
            }
        }
    }

    @Test
    void requestsForUnknownRegionsStaleEpochsOrOtherStoresGetRegionErrorsAndWriteNothing() throws Exception {
        try (Playground pg = Playground.start(data.resolve("pg"), "--stores", "1")) {
            Metapb.Store store = onlyStore(pg);
            Pdpb.GetRegionResponse region = pd(pg, stub -> stub.getRegion(Pdpb.GetRegionRequest.newBuilder()
                    .setHeader(header(pg)).setRegionKey(ByteString.copyFromUtf8("x")).build()));
            Kvrpcpb.Context good = Kvrpcpb.Context.newBuilder()
                    .setRegionId(region.getRegion().getId())
                    .setRegionEpoch(region.getRegion().getRegionEpoch())
                    .setPeer(region.getRegion().getPeers(0)).build();
            ManagedChannel channel = ManagedChannelBuilder.forTarget(store.getAddress()).usePlaintext().build();
            try {
                TikvGrpc.TikvBlockingStub tikv = TikvGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                Kvrpcpb.RawPutResponse unknown = tikv.rawPut(put(good.toBuilder().setRegionId(987654).build()));
                assertTrue(unknown.getRegionError().hasRegionNotFound(), unknown.toString());

                Kvrpcpb.Context stale = good.toBuilder().setRegionEpoch(good.getRegionEpoch().toBuilder()
                        .setVersion(good.getRegionEpoch().getVersion() + 5)).build();
                Kvrpcpb.RawPutResponse epoch = tikv.rawPut(put(stale));
                assertTrue(epoch.getRegionError().hasEpochNotMatch(), epoch.toString());
                assertEquals(region.getRegion(), epoch.getRegionError().getEpochNotMatch().getCurrentRegions(0));

                Kvrpcpb.Context otherStore = good.toBuilder().setPeer(good.getPeer().toBuilder().setStoreId(store.getId() + 100)).build();
                Kvrpcpb.RawPutResponse wrongStore = tikv.rawPut(put(otherStore));
                assertTrue(wrongStore.getRegionError().hasStoreNotMatch(), wrongStore.toString());

                Kvrpcpb.RawGetResponse get = tikv.rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(good)
                        .setKey(ByteString.copyFromUtf8("bad/region")).build());
                assertTrue(get.getNotFound(), "none of the refused puts wrote anything: " + get);

                // The store's status port, as TiKV's: Prometheus metrics and the effective config.
                String metrics = http("http://" + store.getStatusAddress() + "/metrics");
                assertTrue(metrics.contains("tikv_grpc_msg_duration_seconds_bucket{type=\"raw_put\""), metrics);
                assertTrue(metrics.contains("tikv_grpc_msg_fail_total{kind=\"region_error\",type=\"raw_put\"} 3.0"), metrics);
                assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
                Config config = ConfigFactory.parseString(http("http://" + store.getStatusAddress() + "/config"));
                assertTrue(config.getBoolean("storage.enable-ttl"));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static String http(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url);
        return r.body();
    }

    private static Kvrpcpb.RawPutRequest put(Kvrpcpb.Context context) {
        return Kvrpcpb.RawPutRequest.newBuilder().setContext(context)
                .setKey(ByteString.copyFromUtf8("bad/region")).setValue(ByteString.copyFromUtf8("v")).build();
    }

    interface ClientWork {
        void run(RawKVClient client) throws Exception;
    }

    private static void withClient(Playground pg, ClientWork work) throws Exception {
        TiConfiguration conf = TiConfiguration.createRawDefault(pg.pdAddress());
        try (TiSession session = TiSession.create(conf); RawKVClient client = session.createRawClient()) {
            work.run(client);
        }
    }

    private static org.tikv.shade.com.google.protobuf.ByteString bs(String s) {
        return org.tikv.shade.com.google.protobuf.ByteString.copyFromUtf8(s);
    }

    interface PdCall<T> {
        T call(PDGrpc.PDBlockingStub stub);
    }

    private static <T> T pd(Playground pg, PdCall<T> call) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(pg.pdAddress()).usePlaintext().build();
        try {
            return call.call(PDGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }

    private static Pdpb.GetMembersResponse members(Playground pg) {
        return pd(pg, stub -> stub.getMembers(Pdpb.GetMembersRequest.getDefaultInstance()));
    }

    private static Pdpb.RequestHeader header(Playground pg) {
        return Pdpb.RequestHeader.newBuilder().setClusterId(members(pg).getHeader().getClusterId()).build();
    }

    private static Metapb.Store onlyStore(Playground pg) {
        Pdpb.GetAllStoresResponse stores = pd(pg, stub -> stub.getAllStores(Pdpb.GetAllStoresRequest.newBuilder()
                .setHeader(header(pg)).build()));
        assertEquals(1, stores.getStoresCount(), stores.toString());
        return stores.getStores(0);
    }
}
