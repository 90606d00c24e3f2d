package io.kvasir.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;

/** What PD knows of the cluster's regions and stores, asked over pdpb as any tool would. */
final class PdRegions {

    private PdRegions() {
    }

    /** One PD call with the cluster's header, on a channel of its own. */
    interface Call<T> {
        T call(PDGrpc.PDBlockingStub stub, Pdpb.RequestHeader header);
    }

    static <T> T ask(String pdAddress, Call<T> call) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(pdAddress).usePlaintext().build();
        try {
            PDGrpc.PDBlockingStub stub = PDGrpc.newBlockingStub(channel);
            long clusterId = stub.getMembers(Pdpb.GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
            return call.call(stub, Pdpb.RequestHeader.newBuilder().setClusterId(clusterId).build());
        } finally {
            channel.shutdownNow();
        }
    }

    /** How many regions PD routes to. */
    static long count(String pdAddress) {
        return ask(pdAddress, (pd, header) -> pd.scanRegions(Pdpb.ScanRegionsRequest.newBuilder().setHeader(header)
                .setStartKey(ByteString.EMPTY).setLimit(100_000).build()).getRegionsCount());
    }

    /** The region holding the smallest key, with its leader. */
    static Pdpb.GetRegionResponse first(String pdAddress) {
        return ask(pdAddress, (pd, header) -> pd.getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(header)
                .setRegionKey(ByteString.EMPTY).build()));
    }

    static Metapb.Store store(String pdAddress, long storeId) {
        return ask(pdAddress, (pd, header) -> pd.getStore(Pdpb.GetStoreRequest.newBuilder().setHeader(header)
                .setStoreId(storeId).build()).getStore());
    }
}
