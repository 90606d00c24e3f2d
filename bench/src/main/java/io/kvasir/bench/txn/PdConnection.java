package io.kvasir.bench.txn;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import java.util.concurrent.TimeUnit;

/** One channel to PD and the cluster id every PD request carries in its header. */
final class PdConnection implements AutoCloseable {

    static final long RPC_MILLIS = 5_000;

    private final ManagedChannel channel;
    private final long clusterId;

    PdConnection(String address) {
        this.channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            this.clusterId = blocking().getMembers(Pdpb.GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    /** A blocking stub with the usual deadline. */
    PDGrpc.PDBlockingStub blocking() {
        return PDGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS);
    }

    PDGrpc.PDStub async() {
        return PDGrpc.newStub(channel);
    }

    Pdpb.RequestHeader header() {
        return Pdpb.RequestHeader.newBuilder().setClusterId(clusterId).build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
