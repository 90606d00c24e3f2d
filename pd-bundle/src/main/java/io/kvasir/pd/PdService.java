package io.kvasir.pd;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pdpb.PD gRPC service over one {@link PdState}: checks the request header, delegates, and
 * maps refusals to the wire once (see {@link Failures}). RPCs not overridden answer UNIMPLEMENTED.
 *
 * <p>As PD (server/grpc_service.go): every request but GetMembers must carry this cluster's id
 * (else FAILED_PRECONDITION "mismatch cluster id, need X but got Y"); region and store calls,
 * cluster config, scatter and GC safe points answer NOT_BOOTSTRAPPED in the header before
 * Bootstrap; every response header carries the cluster id.
 */
final class PdService extends PDGrpc.PDImplBase {
    /** Reported by StoreHeartbeat; clients compare store versions against 4.0.0 and 6.1.0. */
    static final String CLUSTER_VERSION = "7.1.0";
    /** The most new regions one AskBatchSplit may ask for; TiKV asks for a handful. */
    static final int MAX_SPLIT_COUNT = 1 << 16;

    private final PdState state;

    PdService(PdState state) {
        this.state = state;
    }

    private Pdpb.ResponseHeader ok() {
        return Failures.ok(state.clusterId());
    }

    /**
     * Answers a unary call: checks {@code header} (unless null), runs {@code body}, and turns a
     * header refusal into {@code withHeader(errorHeader)} and anything else into a status.
     */
    private <T> void unary(String rpc, Pdpb.RequestHeader header, StreamObserver<T> out,
            Function<Pdpb.ResponseHeader, T> withHeader, Supplier<T> body) {
        T response;
        try {
            if (header != null) {
                state.checkHeader(header);
            }
            response = body.get();
        } catch (PdException e) {
            if (e.isHeaderError()) {
                response = withHeader.apply(Failures.error(state.clusterId(), e));
            } else {
                out.onError(e.toStatus().asRuntimeException());
                return;
            }
        } catch (RuntimeException e) {
            out.onError(Failures.toStatus(rpc, e).asRuntimeException());
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    @Override
    public void getMembers(Pdpb.GetMembersRequest request, StreamObserver<Pdpb.GetMembersResponse> out) {
        unary("GetMembers", null, out, h -> Pdpb.GetMembersResponse.newBuilder().setHeader(h).build(), () -> {
            Pdpb.Member me = state.member();
            return Pdpb.GetMembersResponse.newBuilder().setHeader(ok()).addMembers(me).setLeader(me).setEtcdLeader(me)
                    .build();
        });
    }

    @Override
    public StreamObserver<Pdpb.TsoRequest> tso(StreamObserver<Pdpb.TsoResponse> out) {
        return new TsoStream(state, out);
    }

    @Override
    public void bootstrap(Pdpb.BootstrapRequest request, StreamObserver<Pdpb.BootstrapResponse> out) {
        unary("Bootstrap", request.getHeader(), out, h -> Pdpb.BootstrapResponse.newBuilder().setHeader(h).build(), () -> {
            state.bootstrap(request.getStore(), request.getRegion());
            return Pdpb.BootstrapResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void isBootstrapped(Pdpb.IsBootstrappedRequest request, StreamObserver<Pdpb.IsBootstrappedResponse> out) {
        unary("IsBootstrapped", request.getHeader(), out,
                h -> Pdpb.IsBootstrappedResponse.newBuilder().setHeader(h).build(),
                () -> Pdpb.IsBootstrappedResponse.newBuilder().setHeader(ok()).setBootstrapped(state.isBootstrapped())
                        .build());
    }

    @Override
    public void allocID(Pdpb.AllocIDRequest request, StreamObserver<Pdpb.AllocIDResponse> out) {
        unary("AllocID", request.getHeader(), out, h -> Pdpb.AllocIDResponse.newBuilder().setHeader(h).build(),
                () -> Pdpb.AllocIDResponse.newBuilder().setHeader(ok()).setId(state.ids().alloc()).build());
    }

    @Override
    public void getStore(Pdpb.GetStoreRequest request, StreamObserver<Pdpb.GetStoreResponse> out) {
        unary("GetStore", request.getHeader(), out, h -> Pdpb.GetStoreResponse.newBuilder().setHeader(h).build(), () -> {
            state.requireBootstrapped();
            Metapb.Store store = state.stores().get(request.getStoreId());
            if (store == null) {
                // A status, not a header error, as PD up to v6 answers: tikv-client-java gives up at
                // once on a status whose message holds "invalid store ID" (CLIENT-NEEDS.md section 3),
                // where a header error would make it retry until its deadline.
                throw PdException.status(Status.Code.UNKNOWN, "invalid store ID %d, not found", request.getStoreId());
            }
            Pdpb.GetStoreResponse.Builder response = Pdpb.GetStoreResponse.newBuilder().setHeader(ok()).setStore(store);
            Pdpb.StoreStats stats = state.stores().stats(request.getStoreId());
            if (stats != null) {
                response.setStats(stats);
            }
            return response.build();
        });
    }

    @Override
    public void putStore(Pdpb.PutStoreRequest request, StreamObserver<Pdpb.PutStoreResponse> out) {
        unary("PutStore", request.getHeader(), out, h -> Pdpb.PutStoreResponse.newBuilder().setHeader(h).build(), () -> {
            state.requireBootstrapped();
            state.stores().put(request.getStore());
            return Pdpb.PutStoreResponse.newBuilder().setHeader(ok()).build();
        });
    }

    @Override
    public void getAllStores(Pdpb.GetAllStoresRequest request, StreamObserver<Pdpb.GetAllStoresResponse> out) {
        unary("GetAllStores", request.getHeader(), out, h -> Pdpb.GetAllStoresResponse.newBuilder().setHeader(h).build(),
                () -> {
                    state.requireBootstrapped();
                    return Pdpb.GetAllStoresResponse.newBuilder().setHeader(ok())
                            .addAllStores(state.stores().all(request.getExcludeTombstoneStores())).build();
                });
    }

    @Override
    public void storeHeartbeat(Pdpb.StoreHeartbeatRequest request, StreamObserver<Pdpb.StoreHeartbeatResponse> out) {
        unary("StoreHeartbeat", request.getHeader(), out,
                h -> Pdpb.StoreHeartbeatResponse.newBuilder().setHeader(h).build(), () -> {
                    if (!request.hasStats()) {
                        throw PdException.invalidArgument("invalid store heartbeat: no stats");
                    }
                    state.requireBootstrapped();
                    state.stores().heartbeat(request.getStats());
                    return Pdpb.StoreHeartbeatResponse.newBuilder().setHeader(ok()).setClusterVersion(CLUSTER_VERSION)
                            .build();
                });
    }

    @Override
    public StreamObserver<Pdpb.RegionHeartbeatRequest> regionHeartbeat(StreamObserver<Pdpb.RegionHeartbeatResponse> out) {
        return new RegionHeartbeatStream(state, out);
    }

    @Override
    public void getRegion(Pdpb.GetRegionRequest request, StreamObserver<Pdpb.GetRegionResponse> out) {
        unary("GetRegion", request.getHeader(), out, h -> Pdpb.GetRegionResponse.newBuilder().setHeader(h).build(), () -> {
            state.requireBootstrapped();
            return regionResponse(state.regions().tree().byKey(request.getRegionKey()));
        });
    }

    @Override
    public void getPrevRegion(Pdpb.GetRegionRequest request, StreamObserver<Pdpb.GetRegionResponse> out) {
        unary("GetPrevRegion", request.getHeader(), out, h -> Pdpb.GetRegionResponse.newBuilder().setHeader(h).build(),
                () -> {
                    state.requireBootstrapped();
                    return regionResponse(state.regions().tree().prev(request.getRegionKey()));
                });
    }

    @Override
    public void getRegionByID(Pdpb.GetRegionByIDRequest request, StreamObserver<Pdpb.GetRegionResponse> out) {
        unary("GetRegionByID", request.getHeader(), out, h -> Pdpb.GetRegionResponse.newBuilder().setHeader(h).build(),
                () -> {
                    state.requireBootstrapped();
                    return regionResponse(state.regions().tree().byId(request.getRegionId()));
                });
    }

    /** PD's answer for a region lookup: the region and its leader, or only the header when there is none. */
    private Pdpb.GetRegionResponse regionResponse(Pdpb.Region region) {
        Pdpb.GetRegionResponse.Builder response = Pdpb.GetRegionResponse.newBuilder().setHeader(ok());
        if (region != null) {
            response.setRegion(region.getRegion());
            if (region.getLeader().getId() != 0) {
                response.setLeader(region.getLeader());
            }
        }
        return response.build();
    }

    @Override
    public void scanRegions(Pdpb.ScanRegionsRequest request, StreamObserver<Pdpb.ScanRegionsResponse> out) {
        unary("ScanRegions", request.getHeader(), out, h -> Pdpb.ScanRegionsResponse.newBuilder().setHeader(h).build(),
                () -> {
                    state.requireBootstrapped();
                    List<Pdpb.Region> regions = state.regions().tree()
                            .scan(request.getStartKey(), request.getEndKey(), request.getLimit());
                    Pdpb.ScanRegionsResponse.Builder response = Pdpb.ScanRegionsResponse.newBuilder().setHeader(ok());
                    for (Pdpb.Region r : regions) {
                        // The legacy fields too, as PD fills them for older clients.
                        response.addRegionMetas(r.getRegion());
                        response.addLeaders(r.getLeader());
                        response.addRegions(Pdpb.Region.newBuilder().setRegion(r.getRegion()).setLeader(r.getLeader()));
                    }
                    return response.build();
                });
    }

    @Override
    public void askBatchSplit(Pdpb.AskBatchSplitRequest request, StreamObserver<Pdpb.AskBatchSplitResponse> out) {
        unary("AskBatchSplit", request.getHeader(), out,
                h -> Pdpb.AskBatchSplitResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    Pdpb.AskBatchSplitResponse.Builder response = Pdpb.AskBatchSplitResponse.newBuilder().setHeader(ok());
                    List<Long> splitting = new ArrayList<>();
                    splitting.add(request.getRegion().getId());
                    for (SplitIds.Split split : SplitIds.allocate(state, request)) {
                        response.addIds(Pdpb.SplitID.newBuilder().setNewRegionId(split.regionId())
                                .addAllNewPeerIds(split.peerIds()));
                        splitting.add(split.regionId());
                    }
                    // As PD's HandleAskBatchSplit: neither the region nor its new parts merge
                    // within schedule.split-merge-interval.
                    state.operators().recordSplit(splitting);
                    return response.build();
                });
    }

    @Override
    public void reportBatchSplit(Pdpb.ReportBatchSplitRequest request, StreamObserver<Pdpb.ReportBatchSplitResponse> out) {
        unary("ReportBatchSplit", request.getHeader(), out,
                h -> Pdpb.ReportBatchSplitResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    state.regions().reportSplit(request.getRegionsList());
                    List<Long> split = new ArrayList<>();
                    for (Metapb.Region r : request.getRegionsList()) {
                        split.add(r.getId());
                    }
                    state.operators().recordSplit(split);
                    return Pdpb.ReportBatchSplitResponse.newBuilder().setHeader(ok()).build();
                });
    }

    @Override
    public void getClusterConfig(Pdpb.GetClusterConfigRequest request, StreamObserver<Pdpb.GetClusterConfigResponse> out) {
        unary("GetClusterConfig", request.getHeader(), out,
                h -> Pdpb.GetClusterConfigResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    return Pdpb.GetClusterConfigResponse.newBuilder().setHeader(ok()).setCluster(state.clusterMeta())
                            .build();
                });
    }

    @Override
    public void scatterRegion(Pdpb.ScatterRegionRequest request, StreamObserver<Pdpb.ScatterRegionResponse> out) {
        unary("ScatterRegion", request.getHeader(), out,
                h -> Pdpb.ScatterRegionResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    // No scatter scheduler: new regions spread through the replica checker and the
                    // leader balancer as they heartbeat. Reported as done, as PD reports a scatter
                    // that needed no operator.
                    return Pdpb.ScatterRegionResponse.newBuilder().setHeader(ok()).setFinishedPercentage(100).build();
                });
    }

    @Override
    public void getOperator(Pdpb.GetOperatorRequest request, StreamObserver<Pdpb.GetOperatorResponse> out) {
        // Always an answer: tikv-client-java polls GetOperator in a tight loop after a scatter until
        // it gets one, and REGION_NOT_FOUND is PD's answer for a region without an operator. A
        // running operator is never described as "scatter-region", so a scatter waiter is done.
        unary("GetOperator", request.getHeader(), out, h -> Pdpb.GetOperatorResponse.newBuilder().setHeader(h).build(),
                () -> {
                    Operator op = state.operators().running(request.getRegionId());
                    if (op == null) {
                        throw PdException.header(Pdpb.ErrorType.REGION_NOT_FOUND, "region %d has no operator",
                                request.getRegionId());
                    }
                    return Pdpb.GetOperatorResponse.newBuilder().setHeader(ok())
                            .setRegionId(request.getRegionId())
                            .setDesc(ByteString.copyFromUtf8(op.describe()))
                            .setKind(ByteString.copyFromUtf8(op.kind().wireName()))
                            .setStatus(Pdpb.OperatorStatus.RUNNING)
                            .build();
                });
    }

    @Override
    public void getGCSafePoint(Pdpb.GetGCSafePointRequest request, StreamObserver<Pdpb.GetGCSafePointResponse> out) {
        unary("GetGCSafePoint", request.getHeader(), out,
                h -> Pdpb.GetGCSafePointResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    return Pdpb.GetGCSafePointResponse.newBuilder().setHeader(ok()).setSafePoint(state.gcSafePointNow())
                            .build();
                });
    }

    @Override
    public void updateGCSafePoint(Pdpb.UpdateGCSafePointRequest request, StreamObserver<Pdpb.UpdateGCSafePointResponse> out) {
        unary("UpdateGCSafePoint", request.getHeader(), out,
                h -> Pdpb.UpdateGCSafePointResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    long now = state.gc().updateGcSafePoint(request.getSafePoint());
                    return Pdpb.UpdateGCSafePointResponse.newBuilder().setHeader(ok()).setNewSafePoint(now).build();
                });
    }

    @Override
    public void updateServiceGCSafePoint(Pdpb.UpdateServiceGCSafePointRequest request,
            StreamObserver<Pdpb.UpdateServiceGCSafePointResponse> out) {
        unary("UpdateServiceGCSafePoint", request.getHeader(), out,
                h -> Pdpb.UpdateServiceGCSafePointResponse.newBuilder().setHeader(h).build(), () -> {
                    state.requireBootstrapped();
                    if (request.getServiceId().isEmpty()) {
                        throw PdException.invalidArgument("service safe point needs a service id");
                    }
                    GcSafePoints.ServiceUpdate update = state.gc()
                            .updateService(request.getServiceId(), request.getTTL(), request.getSafePoint());
                    return Pdpb.UpdateServiceGCSafePointResponse.newBuilder().setHeader(ok())
                            .setServiceId(request.getServiceId())
                            .setTTL(update.ttl())
                            .setMinSafePoint(update.minSafePoint())
                            .build();
                });
    }
}
