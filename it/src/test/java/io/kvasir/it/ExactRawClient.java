package io.kvasir.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import io.kvasir.kvproto.TikvGrpc;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A raw KV client for fault tests that never guesses: it retries a request only when the store
 * says for certain that it did nothing (not leader, stale epoch, region not found, store
 * mismatch, busy, stale command), and reports any other failure of a write as an
 * {@link UnknownOutcome}. tikv-client-java retries writes after timeouts and broken connections,
 * so a compare-and-swap it reports as a conflict may have swapped on its first attempt, and a put
 * may be applied twice with another write in between: histories recorded through it cannot be
 * judged exactly. Reads are retried on anything: a read changes nothing.
 */
final class ExactRawClient implements AutoCloseable {

    /** The write may or may not have taken effect. */
    static final class UnknownOutcome extends Exception {
        UnknownOutcome(String message) {
            super(message);
        }
    }

    private static final long DEADLINE_MILLIS = 5_000;
    private static final long RPC_MILLIS = 2_000;

    private final ManagedChannel pdChannel;
    private final PDGrpc.PDBlockingStub pd;
    private final long clusterId;
    private final Map<String, ManagedChannel> stores = new ConcurrentHashMap<>();

    ExactRawClient(String pdAddress) {
        this.pdChannel = ManagedChannelBuilder.forTarget(pdAddress).usePlaintext().build();
        this.pd = PDGrpc.newBlockingStub(pdChannel);
        this.clusterId = pd.getMembers(Pdpb.GetMembersRequest.getDefaultInstance()).getHeader().getClusterId();
    }

    Optional<String> get(String key) throws UnknownOutcome {
        return call(key, false, (stub, ctx) -> {
            Kvrpcpb.RawGetResponse r = stub.rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(ctx)
                    .setKey(ByteString.copyFromUtf8(key)).build());
            return new Answer<>(r.hasRegionError() ? r.getRegionError() : null, r.getError(),
                    r.getNotFound() ? Optional.<String>empty() : Optional.of(r.getValue().toStringUtf8()));
        });
    }

    void put(String key, String value) throws UnknownOutcome {
        call(key, true, (stub, ctx) -> {
            Kvrpcpb.RawPutResponse r = stub.rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(ctx)
                    .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build());
            return new Answer<>(r.hasRegionError() ? r.getRegionError() : null, r.getError(), Boolean.TRUE);
        });
    }

    /** Swaps {@code expected} (empty: absent) for {@code value}; returns whether it did. */
    boolean compareAndSwap(String key, Optional<String> expected, String value) throws UnknownOutcome {
        return call(key, true, (stub, ctx) -> {
            Kvrpcpb.RawCASRequest.Builder req = Kvrpcpb.RawCASRequest.newBuilder().setContext(ctx)
                    .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value));
            if (expected.isPresent()) {
                req.setPreviousValue(ByteString.copyFromUtf8(expected.get()));
            } else {
                req.setPreviousNotExist(true);
            }
            Kvrpcpb.RawCASResponse r = stub.rawCompareAndSwap(req.build());
            return new Answer<>(r.hasRegionError() ? r.getRegionError() : null, r.getError(), r.getSucceed());
        });
    }

    private record Answer<T>(Errorpb.Error regionError, String error, T value) {
    }

    private interface Rpc<T> {
        Answer<T> call(TikvGrpc.TikvBlockingStub stub, Kvrpcpb.Context ctx);
    }

    private <T> T call(String key, boolean write, Rpc<T> rpc) throws UnknownOutcome {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            Pdpb.GetRegionResponse region;
            Metapb.Store store;
            try {
                region = pd.withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS).getRegion(Pdpb.GetRegionRequest.newBuilder()
                        .setHeader(header()).setRegionKey(ByteString.copyFromUtf8(key)).build());
                if (region.getLeader().getId() == 0) {
                    last = "no leader known";
                    pause();
                    continue;
                }
                store = pd.withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS).getStore(Pdpb.GetStoreRequest.newBuilder()
                        .setHeader(header()).setStoreId(region.getLeader().getStoreId()).build()).getStore();
            } catch (StatusRuntimeException e) {
                last = "PD: " + e.getStatus();
                pause();
                continue;
            }
            Kvrpcpb.Context ctx = Kvrpcpb.Context.newBuilder().setRegionId(region.getRegion().getId())
                    .setRegionEpoch(region.getRegion().getRegionEpoch()).setPeer(region.getLeader()).build();
            Answer<T> answer;
            try {
                answer = rpc.call(TikvGrpc.newBlockingStub(channel(store.getAddress()))
                        .withDeadlineAfter(RPC_MILLIS, TimeUnit.MILLISECONDS), ctx);
            } catch (StatusRuntimeException e) {
                if (write) {
                    throw new UnknownOutcome("store " + store.getId() + ": " + e.getStatus());
                }
                last = e.getStatus().toString();
                pause();
                continue;
            }
            if (answer.regionError() == null && answer.error().isEmpty()) {
                return answer.value();
            }
            if (answer.regionError() != null && certainlyNothingDone(answer.regionError())) {
                last = answer.regionError().getMessage();
                pause();
                continue;
            }
            String why = answer.regionError() != null ? answer.regionError().toString() : answer.error();
            if (write) {
                throw new UnknownOutcome(why);
            }
            last = why;
            pause();
        }
        if (write) {
            throw new UnknownOutcome("deadline passed: " + last);
        }
        throw new IllegalStateException("read failed until its deadline: " + last);
    }

    /** Region errors the store answers only when it did not apply the request. */
    private static boolean certainlyNothingDone(Errorpb.Error e) {
        return e.hasNotLeader() || e.hasEpochNotMatch() || e.hasRegionNotFound() || e.hasStoreNotMatch()
                || e.hasServerIsBusy() || e.hasStaleCommand() || e.hasKeyNotInRegion() || e.hasProposalInMergingMode();
    }

    private ManagedChannel channel(String address) {
        return stores.computeIfAbsent(address, a -> ManagedChannelBuilder.forTarget(a).usePlaintext().build());
    }

    private Pdpb.RequestHeader header() {
        return Pdpb.RequestHeader.newBuilder().setClusterId(clusterId).build();
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stores.values().forEach(ManagedChannel::shutdownNow);
        pdChannel.shutdownNow();
    }
}
