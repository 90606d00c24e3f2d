package io.kvasir.bench.txn;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.api.MemComparable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Where a transactional key lives: its region, the region's leader and that store's address,
 * asked of PD and cached until a store says the route is stale. In TXN mode (API V1) PD and
 * region boundaries speak the memcomparable encoding of the user key (CLIENT-NEEDS section 5), while
 * the stores take the user key itself; so lookups encode, and requests carry the raw key.
 */
final class Router implements AutoCloseable {

    /** A region, its leader, and where to send to it. */
    record Route(Metapb.Region region, Metapb.Peer leader, String address) {

        Kvrpcpb.Context context() {
            return Kvrpcpb.Context.newBuilder().setRegionId(region.getId()).setRegionEpoch(region.getRegionEpoch())
                    .setPeer(leader).build();
        }

        boolean containsEncoded(byte[] encoded) {
            byte[] start = region.getStartKey().toByteArray();
            byte[] end = region.getEndKey().toByteArray();
            return Arrays.compareUnsigned(start, encoded) <= 0 && (end.length == 0 || Arrays.compareUnsigned(encoded, end) < 0);
        }
    }

    /** PD knows no leader for the key's region yet, or no such store: try again shortly. */
    static final class NoRoute extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoRoute(String message) {
            super(message);
        }
    }

    private final PdConnection pd;
    private final ConcurrentSkipListMap<byte[], Route> byStart = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<Long, String> storeAddresses = new ConcurrentHashMap<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    Router(PdConnection pd) {
        this.pd = pd;
    }

    Route locate(byte[] userKey) {
        byte[] encoded = MemComparable.encode(userKey);
        Map.Entry<byte[], Route> cached = byStart.floorEntry(encoded);
        if (cached != null && cached.getValue().containsEncoded(encoded)) {
            return cached.getValue();
        }
        Pdpb.GetRegionResponse r = pd.blocking().getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(pd.header())
                .setRegionKey(ByteString.copyFrom(encoded)).build());
        if (!r.hasRegion() || r.getLeader().getId() == 0) {
            throw new NoRoute("PD knows no leader for the region of " + describe(userKey));
        }
        Route route = new Route(r.getRegion(), r.getLeader(), address(r.getLeader().getStoreId()));
        byStart.put(route.region().getStartKey().toByteArray(), route);
        return route;
    }

    /** Groups keys by the region that holds them, keeping their order within each group. */
    Map<Route, List<byte[]>> group(List<byte[]> keys) {
        Map<Route, List<byte[]>> groups = new LinkedHashMap<>();
        for (byte[] k : keys) {
            groups.computeIfAbsent(locate(k), r -> new ArrayList<>()).add(k);
        }
        return groups;
    }

    /** Forgets a route a store called stale (not leader, epoch, region not found...). */
    void invalidate(Route route) {
        byStart.remove(route.region().getStartKey().toByteArray(), route);
    }

    TikvGrpc.TikvBlockingStub stub(Route route, long deadlineMillis) {
        ManagedChannel ch = channels.computeIfAbsent(route.address(),
                a -> ManagedChannelBuilder.forTarget(a).usePlaintext().build());
        return TikvGrpc.newBlockingStub(ch).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /** The store leading the region of {@code userKey}, fresh from PD: for waiting on leader balance. */
    long leaderStore(byte[] userKey) {
        Route r = locate(userKey);
        invalidate(r);
        return locate(userKey).leader().getStoreId();
    }

    private String address(long storeId) {
        String known = storeAddresses.get(storeId);
        if (known != null) {
            return known;
        }
        Metapb.Store s = pd.blocking().getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(pd.header())
                .setStoreId(storeId).build()).getStore();
        if (s.getAddress().isEmpty()) {
            throw new NoRoute("PD has no address for store " + storeId);
        }
        storeAddresses.put(storeId, s.getAddress());
        return s.getAddress();
    }

    static String describe(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (byte b : key) {
            sb.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
