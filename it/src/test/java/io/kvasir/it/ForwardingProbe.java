package io.kvasir.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.TikvGrpc;
import java.util.concurrent.TimeUnit;

/**
 * Sends a raw read the way tikv-client-java does when it cannot reach a region's leader: to a
 * store holding a follower of the region, with the leader's peer in the context and gRPC metadata
 * {@code tikv-forwarded-host: <leader's store address>}.
 */
final class ForwardingProbe {
    private static final Metadata.Key<String> FORWARDED_HOST =
            Metadata.Key.of("tikv-forwarded-host", Metadata.ASCII_STRING_MARSHALLER);

    private ForwardingProbe() {
    }

    /** What the follower's store answered, with the store ids involved for messages. */
    record Forwarded(Kvrpcpb.RawGetResponse response, long viaStore, long leaderStore) {
    }

    static Forwarded rawGetThroughAFollower(String pdAddress, String key) throws InterruptedException {
        ManagedChannel pdChannel = ManagedChannelBuilder.forTarget(pdAddress).usePlaintext().build();
        try {
            PDGrpc.PDBlockingStub pd = PDGrpc.newBlockingStub(pdChannel).withDeadlineAfter(10, TimeUnit.SECONDS);
            Pdpb.RequestHeader header = Pdpb.RequestHeader.newBuilder()
                    .setClusterId(pd.getMembers(Pdpb.GetMembersRequest.getDefaultInstance()).getHeader().getClusterId())
                    .build();
            Pdpb.GetRegionResponse region = pd.getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(header)
                    .setRegionKey(ByteString.copyFromUtf8(key)).build());
            Metapb.Peer leader = region.getLeader();
            Metapb.Peer follower = region.getRegion().getPeersList().stream()
                    .filter(p -> p.getStoreId() != leader.getStoreId()).findFirst()
                    .orElseThrow(() -> new AssertionError("region without followers: " + region));
            String leaderAddress = store(pd, header, leader.getStoreId()).getAddress();
            String followerAddress = store(pd, header, follower.getStoreId()).getAddress();

            Metadata headers = new Metadata();
            headers.put(FORWARDED_HOST, leaderAddress);
            ManagedChannel storeChannel = ManagedChannelBuilder.forTarget(followerAddress).usePlaintext().build();
            try {
                Kvrpcpb.RawGetResponse response = TikvGrpc.newBlockingStub(storeChannel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .rawGet(Kvrpcpb.RawGetRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                                .setContext(Kvrpcpb.Context.newBuilder().setRegionId(region.getRegion().getId())
                                        .setRegionEpoch(region.getRegion().getRegionEpoch()).setPeer(leader))
                                .build());
                return new Forwarded(response, follower.getStoreId(), leader.getStoreId());
            } finally {
                storeChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            pdChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Metapb.Store store(PDGrpc.PDBlockingStub pd, Pdpb.RequestHeader header, long id) {
        return pd.getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(header).setStoreId(id).build()).getStore();
    }
}
