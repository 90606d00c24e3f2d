package io.kvasir.raft.store;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's connection to PD: the calls a store makes (identity, bootstrap, heartbeats, split ids).
 * Calls are blocking with a deadline and run on the store's own threads, never on a request path.
 * One PD endpoint at a time; it tries the next one when a call fails to connect.
 */
public final class PdClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PdClient.class);
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final List<String> endpoints;
    private final Sleeper sleeper;
    private volatile ManagedChannel channel;
    private volatile long clusterId;
    private StreamObserver<Pdpb.RegionHeartbeatRequest> regionHeartbeats;

    /** Waits between connection attempts; a test passes one that does not sleep. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public PdClient(List<String> endpoints, Sleeper sleeper) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no PD endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.sleeper = sleeper;
    }

    /**
     * Finds a PD that answers GetMembers and learns the cluster id, trying the endpoints in turn
     * with a growing pause, until one answers or {@code keepTrying} says stop. A store may start
     * before its PD; it waits rather than fail.
     */
    public void connect(BooleanSupplier keepTrying) throws InterruptedException {
        Duration pause = Duration.ofMillis(100);
        for (int attempt = 0; keepTrying.getAsBoolean(); attempt++) {
            String endpoint = endpoints.get(attempt % endpoints.size());
            ManagedChannel candidate = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                    .maxInboundMessageSize(64 << 20).build();
            try {
                Pdpb.GetMembersResponse members = PDGrpc.newBlockingStub(candidate)
                        .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .getMembers(Pdpb.GetMembersRequest.newBuilder().setHeader(header(0)).build());
                checkHeader(members.getHeader());
                clusterId = members.getHeader().getClusterId();
                channel = candidate;
                LOG.info("connected to PD at {}, cluster {}", endpoint, clusterId);
                return;
            } catch (StatusRuntimeException | PdException e) {
                candidate.shutdownNow();
                if (attempt % 10 == 0) {
                    LOG.info("PD at {} not reachable yet ({}); retrying", endpoint, e.getMessage());
                }
            }
            sleeper.sleep(pause);
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2) : pause.multipliedBy(2);
        }
        throw new InterruptedException("stopped while connecting to PD");
    }

    public long clusterId() {
        return clusterId;
    }

    public boolean isBootstrapped() {
        Pdpb.IsBootstrappedResponse r = stub().isBootstrapped(
                Pdpb.IsBootstrappedRequest.newBuilder().setHeader(header(clusterId)).build());
        checkHeader(r.getHeader());
        return r.getBootstrapped();
    }

    public long allocId() {
        Pdpb.AllocIDResponse r = stub().allocID(Pdpb.AllocIDRequest.newBuilder().setHeader(header(clusterId)).build());
        checkHeader(r.getHeader());
        return r.getId();
    }

    /** @throws PdException of type ALREADY_BOOTSTRAPPED when another store won the race */
    public void bootstrap(Metapb.Store store, Metapb.Region region) {
        Pdpb.BootstrapResponse r = stub().bootstrap(Pdpb.BootstrapRequest.newBuilder()
                .setHeader(header(clusterId)).setStore(store).setRegion(region).build());
        checkHeader(r.getHeader());
    }

    public void putStore(Metapb.Store store) {
        Pdpb.PutStoreResponse r = stub().putStore(Pdpb.PutStoreRequest.newBuilder()
                .setHeader(header(clusterId)).setStore(store).build());
        checkHeader(r.getHeader());
    }

    public void storeHeartbeat(Pdpb.StoreStats stats) {
        Pdpb.StoreHeartbeatResponse r = stub().storeHeartbeat(Pdpb.StoreHeartbeatRequest.newBuilder()
                .setHeader(header(clusterId)).setStats(stats).build());
        checkHeader(r.getHeader());
    }

    /** New region and peer ids for {@code count} regions split off {@code region}. */
    public java.util.List<Pdpb.SplitID> askBatchSplit(Metapb.Region region, int count) {
        Pdpb.AskBatchSplitResponse r = stub().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(header(clusterId)).setRegion(region).setSplitCount(count).build());
        checkHeader(r.getHeader());
        return r.getIdsList();
    }

    /** Tells PD the regions a split produced, so it routes clients to them before their heartbeats. */
    public void reportBatchSplit(java.util.List<Metapb.Region> regions) {
        Pdpb.ReportBatchSplitResponse r = stub().reportBatchSplit(Pdpb.ReportBatchSplitRequest.newBuilder()
                .setHeader(header(clusterId)).addAllRegions(regions).build());
        checkHeader(r.getHeader());
    }

    /** The region PD routes {@code key} to and its leader (a default leader when PD knows none). */
    public Pdpb.GetRegionResponse getRegion(byte[] key) {
        Pdpb.GetRegionResponse r = stub().getRegion(Pdpb.GetRegionRequest.newBuilder()
                .setHeader(header(clusterId)).setRegionKey(com.google.protobuf.ByteString.copyFrom(key)).build());
        checkHeader(r.getHeader());
        return r;
    }

    /** PD's GC safe point. */
    public long gcSafePoint() {
        Pdpb.GetGCSafePointResponse r = stub().getGCSafePoint(Pdpb.GetGCSafePointRequest.newBuilder()
                .setHeader(header(clusterId)).build());
        checkHeader(r.getHeader());
        return r.getSafePoint();
    }

    /** The region PD routes {@code regionId} to, or null if PD has none. */
    public Metapb.Region getRegionById(long regionId) {
        Pdpb.GetRegionResponse r = stub().getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder()
                .setHeader(header(clusterId)).setRegionId(regionId).build());
        checkHeader(r.getHeader());
        return r.getRegion().getId() == 0 ? null : r.getRegion();
    }

    /**
     * The store PD knows by {@code storeId} (its addresses and state), or null if PD knows none:
     * PD answers an unknown id with a status saying "invalid store ID", not a header error.
     */
    public Metapb.Store getStore(long storeId) {
        Pdpb.GetStoreResponse r;
        try {
            r = stub().getStore(Pdpb.GetStoreRequest.newBuilder()
                    .setHeader(header(clusterId)).setStoreId(storeId).build());
        } catch (StatusRuntimeException e) {
            String description = e.getStatus().getDescription();
            if (description != null && description.contains("invalid store ID")) {
                return null;
            }
            throw e;
        }
        checkHeader(r.getHeader());
        return r.getStore().getId() == 0 ? null : r.getStore();
    }

    /**
     * Sends one region heartbeat on the long-lived stream, opening it when needed. PD's answers
     * (scheduling operators) go to {@code responses}.
     */
    public synchronized void regionHeartbeat(Pdpb.RegionHeartbeatRequest.Builder request,
                                             StreamObserver<Pdpb.RegionHeartbeatResponse> responses) {
        if (regionHeartbeats == null) {
            regionHeartbeats = PDGrpc.newStub(channel).regionHeartbeat(new StreamObserver<>() {
                @Override
                public void onNext(Pdpb.RegionHeartbeatResponse value) {
                    responses.onNext(value);
                }

                @Override
                public void onError(Throwable t) {
                    LOG.debug("region heartbeat stream failed: {}", t.toString());
                    dropHeartbeatStream();
                }

                @Override
                public void onCompleted() {
                    dropHeartbeatStream();
                }
            });
        }
        regionHeartbeats.onNext(request.setHeader(header(clusterId)).build());
    }

    private synchronized void dropHeartbeatStream() {
        regionHeartbeats = null;
    }

    private PDGrpc.PDBlockingStub stub() {
        ManagedChannel c = channel;
        if (c == null) {
            throw new IllegalStateException("not connected to PD");
        }
        return PDGrpc.newBlockingStub(c).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Pdpb.RequestHeader header(long clusterId) {
        return Pdpb.RequestHeader.newBuilder().setClusterId(clusterId).build();
    }

    private static void checkHeader(Pdpb.ResponseHeader header) {
        if (header.hasError() && header.getError().getType() != Pdpb.ErrorType.OK) {
            throw new PdException(header.getError().getType(), header.getError().getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (regionHeartbeats != null) {
            try {
                regionHeartbeats.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("closing the heartbeat stream: {}", e.toString());
            }
            regionHeartbeats = null;
        }
        ManagedChannel c = channel;
        if (c != null) {
            c.shutdownNow();
        }
    }
}
