package io.kvasir.bench.ycsb;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.kvproto.Metapb;
import org.tikv.kvproto.PDGrpc;
import org.tikv.kvproto.Pdpb;
import org.tikv.kvproto.TikvGrpc;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.shade.io.grpc.Server;
import org.tikv.shade.io.grpc.health.v1.HealthCheckRequest;
import org.tikv.shade.io.grpc.health.v1.HealthCheckResponse;
import org.tikv.shade.io.grpc.health.v1.HealthGrpc;
import org.tikv.shade.io.grpc.netty.NettyServerBuilder;
import org.tikv.shade.io.grpc.stub.StreamObserver;

/**
 * The smallest cluster tikv-client-java's RawKVClient runs against, for testing the driver end to
 * end without Kvasir: one gRPC server on loopback that is PD (GetMembers, GetRegion, GetStore,
 * GetAllStores, ScanRegions) and one store with one region over the whole key space (RawGet,
 * RawPut, RawBatchPut, RawScan, RawDelete) over a sorted map, plus the gRPC health service. What the client needs from each RPC
 * is in CLIENT-NEEDS.md sections 2, 3 and 6. Built on the client's own shaded gRPC.
 */
final class FakeTikvCluster implements AutoCloseable {

    private static final long CLUSTER_ID = 7;
    private static final long STORE_ID = 1;

    final ConcurrentSkipListMap<ByteString, ByteString> data =
            new ConcurrentSkipListMap<>(ByteString.unsignedLexicographicalComparator());
    private final Server server;
    private final String address;

    FakeTikvCluster() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                // The client pings every 10 s even when idle (CLIENT-NEEDS section 1).
                .permitKeepAliveTime(1, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(64 << 20)
                .addService(new Pd())
                .addService(new Store())
                // Without it the client marks the store unreachable and warns on every request.
                .addService(new Health())
                .build()
                .start();
        address = "127.0.0.1:" + server.getPort();
    }

    String pdAddress() {
        return address;
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Metapb.Store store() {
        return Metapb.Store.newBuilder().setId(STORE_ID).setAddress(address).setState(Metapb.StoreState.Up)
                .setVersion("7.1.0").build();
    }

    private static Metapb.Peer peer() {
        return Metapb.Peer.newBuilder().setId(2).setStoreId(STORE_ID).build();
    }

    private static Metapb.Region region() {
        return Metapb.Region.newBuilder().setId(3)
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
                .addPeers(peer()).build();
    }

    private static Pdpb.ResponseHeader header() {
        return Pdpb.ResponseHeader.newBuilder().setClusterId(CLUSTER_ID).build();
    }

    private static <T> void reply(StreamObserver<T> observer, T response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    private final class Pd extends PDGrpc.PDImplBase {
        @Override
        public void getMembers(Pdpb.GetMembersRequest request, StreamObserver<Pdpb.GetMembersResponse> observer) {
            Pdpb.Member me = Pdpb.Member.newBuilder().setName("pd").setMemberId(1)
                    .addClientUrls("http://" + address).build();
            reply(observer, Pdpb.GetMembersResponse.newBuilder().setHeader(header()).addMembers(me).setLeader(me)
                    .build());
        }

        @Override
        public void getRegion(Pdpb.GetRegionRequest request, StreamObserver<Pdpb.GetRegionResponse> observer) {
            reply(observer, Pdpb.GetRegionResponse.newBuilder().setHeader(header()).setRegion(region())
                    .setLeader(peer()).build());
        }

        @Override
        public void getStore(Pdpb.GetStoreRequest request, StreamObserver<Pdpb.GetStoreResponse> observer) {
            reply(observer, Pdpb.GetStoreResponse.newBuilder().setHeader(header()).setStore(store()).build());
        }

        @Override
        public void getAllStores(Pdpb.GetAllStoresRequest request,
                                 StreamObserver<Pdpb.GetAllStoresResponse> observer) {
            reply(observer, Pdpb.GetAllStoresResponse.newBuilder().setHeader(header()).addStores(store()).build());
        }

        @Override
        public void scanRegions(Pdpb.ScanRegionsRequest request, StreamObserver<Pdpb.ScanRegionsResponse> observer) {
            Pdpb.ScanRegionsResponse.Builder b = Pdpb.ScanRegionsResponse.newBuilder().setHeader(header());
            if (request.getStartKey().isEmpty()) {
                b.addRegions(Pdpb.Region.newBuilder().setRegion(region()).setLeader(peer()));
            }
            reply(observer, b.build());
        }
    }

    private final class Store extends TikvGrpc.TikvImplBase {
        @Override
        public void rawGet(Kvrpcpb.RawGetRequest request, StreamObserver<Kvrpcpb.RawGetResponse> observer) {
            ByteString value = data.get(request.getKey());
            reply(observer, value == null ? Kvrpcpb.RawGetResponse.newBuilder().setNotFound(true).build()
                    : Kvrpcpb.RawGetResponse.newBuilder().setValue(value).build());
        }

        @Override
        public void rawPut(Kvrpcpb.RawPutRequest request, StreamObserver<Kvrpcpb.RawPutResponse> observer) {
            data.put(request.getKey(), request.getValue());
            reply(observer, Kvrpcpb.RawPutResponse.getDefaultInstance());
        }

        @Override
        public void rawBatchPut(Kvrpcpb.RawBatchPutRequest request,
                                StreamObserver<Kvrpcpb.RawBatchPutResponse> observer) {
            request.getPairsList().forEach(p -> data.put(p.getKey(), p.getValue()));
            reply(observer, Kvrpcpb.RawBatchPutResponse.getDefaultInstance());
        }

        @Override
        public void rawDelete(Kvrpcpb.RawDeleteRequest request, StreamObserver<Kvrpcpb.RawDeleteResponse> observer) {
            data.remove(request.getKey());
            reply(observer, Kvrpcpb.RawDeleteResponse.getDefaultInstance());
        }

        /** Exactly min(limit, keys left) pairs: the region spans everything (CLIENT-NEEDS section 6). */
        @Override
        public void rawScan(Kvrpcpb.RawScanRequest request, StreamObserver<Kvrpcpb.RawScanResponse> observer) {
            Kvrpcpb.RawScanResponse.Builder b = Kvrpcpb.RawScanResponse.newBuilder();
            int n = 0;
            for (Map.Entry<ByteString, ByteString> e : data.tailMap(request.getStartKey(), true).entrySet()) {
                if (n++ == request.getLimit()) {
                    break;
                }
                b.addKvs(Kvrpcpb.KvPair.newBuilder().setKey(e.getKey())
                        .setValue(request.getKeyOnly() ? ByteString.EMPTY : e.getValue()));
            }
            reply(observer, b.build());
        }
    }

    private static final class Health extends HealthGrpc.HealthImplBase {
        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
            reply(observer, HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING)
                    .build());
        }
    }
}
