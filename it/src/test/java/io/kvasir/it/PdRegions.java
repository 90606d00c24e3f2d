package io.kvasir.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;

/** What PD knows of the cluster's regions, asked over pdpb as any tool would. */
final class PdRegions {

    private PdRegions() {
    }

    /** How many regions PD routes to. */
    static long count(String pdAddress) {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(pdAddress).usePlaintext().build();
        try {
            PDGrpc.PDBlockingStub pd = PDGrpc.newBlockingStub(channel);
            long clusterId = pd.getMembers(Pdpb.GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
            return pd.scanRegions(Pdpb.ScanRegionsRequest.newBuilder()
                    .setHeader(Pdpb.RequestHeader.newBuilder().setClusterId(clusterId))
                    .setStartKey(ByteString.EMPTY).setLimit(100_000).build()).getRegionsCount();
        } finally {
            channel.shutdownNow();
        }
    }
}
