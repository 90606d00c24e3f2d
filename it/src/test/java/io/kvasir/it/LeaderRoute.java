package io.kvasir.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.TikvGrpc;
import java.util.concurrent.TimeUnit;
import org.tikv.common.TiSession;
import org.tikv.common.region.TiRegion;
import org.tikv.shade.com.google.protobuf.ByteString;

/**
 * Where a transactional key's region is led, as tikv-client-java's region cache sees it after a
 * fresh look at PD, in Kvasir's own kvproto types: for tests that send requests the client has no
 * API for (pessimistic locks, MvccGetByKey).
 *
 * @param context the request context that addresses the region's leader
 * @param address the leader's store address
 */
record LeaderRoute(Kvrpcpb.Context context, String address) {

    static LeaderRoute of(TiSession session, String key) {
        session.getRegionManager().invalidateAll();
        TiRegion region = session.getRegionManager().getRegionByKey(ByteString.copyFromUtf8(key));
        String address = session.getRegionManager().getStoreById(region.getLeader().getStoreId()).getAddress();
        Kvrpcpb.Context context = Kvrpcpb.Context.newBuilder().setRegionId(region.getId())
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder()
                        .setConfVer(region.getRegionEpoch().getConfVer())
                        .setVersion(region.getRegionEpoch().getVersion()))
                .setPeer(Metapb.Peer.newBuilder().setId(region.getLeader().getId())
                        .setStoreId(region.getLeader().getStoreId()))
                .build();
        return new LeaderRoute(context, address);
    }

    long storeId() {
        return context.getPeer().getStoreId();
    }

    /** A plain-text channel to the leader's store; the caller shuts it down. */
    ManagedChannel channel() {
        return ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    }

    /** A blocking stub on {@code channel} with a deadline of {@code seconds}. */
    static TikvGrpc.TikvBlockingStub stub(ManagedChannel channel, long seconds) {
        return TikvGrpc.newBlockingStub(channel).withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }
}
