package io.kvasir.pd;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.List;

/**
 * One RegionHeartbeat stream from a store: each request reports one region its leader holds.
 * Nothing is sent back unless there is something to say: the region's next step from the
 * {@link OperatorController}, or a malformed heartbeat, answered with a header error while the
 * stream stays open (PD's {@code hbStreams.SendErr}). A step is addressed as PD addresses it: the
 * region id, the epoch of the heartbeat it answers (the store ignores a step for any other epoch,
 * which is what makes resending a step safe) and the leader that sent it as {@code target_peer}.
 * A stale heartbeat is dropped silently and never scheduled on (so a source heartbeating after its
 * merge committed, which the merged target's newer version makes stale, starts nothing). Before bootstrap the PD
 * answers NOT_BOOTSTRAPPED and ends the stream, as PD does; a cluster id mismatch ends it with
 * FAILED_PRECONDITION.
 *
 * <p>gRPC delivers a call's inbound messages one at a time, so no locking is needed here.
 */
final class RegionHeartbeatStream implements StreamObserver<Pdpb.RegionHeartbeatRequest> {
    private final PdState state;
    private final StreamObserver<Pdpb.RegionHeartbeatResponse> out;
    private boolean done;

    RegionHeartbeatStream(PdState state, StreamObserver<Pdpb.RegionHeartbeatResponse> out) {
        this.state = state;
        this.out = out;
    }

    @Override
    public void onNext(Pdpb.RegionHeartbeatRequest request) {
        if (done) {
            return;
        }
        try {
            state.checkHeader(request.getHeader());
            if (!state.isBootstrapped()) {
                done = true;
                out.onNext(errorResponse(PdException.notBootstrapped(), request));
                out.onCompleted();
                return;
            }
            Metapb.Peer leader = request.getLeader();
            if (leader.getId() != 0 && state.stores().get(leader.getStoreId()) == null) {
                throw PdException.unknown("invalid store ID %d, not found", leader.getStoreId());
            }
            RegionShape shape = RegionShape.of(request);
            RegionTree.Update update = state.regions().heartbeat(shape);
            if (update.outcome() != RegionTree.Outcome.STALE) {
                if (update.revealsSplit(shape.region())) {
                    // Normally recorded at AskBatchSplit already; this catches splits PD learns of
                    // only now (a lost report, a PD restart in between).
                    state.operators().recordSplit(List.of(shape.id()));
                }
                Step step = state.operators().dispatch(shape);
                if (step != null) {
                    out.onNext(operatorResponse(step, request));
                }
            }
        } catch (PdException e) {
            if (e.isHeaderError()) {
                out.onNext(errorResponse(e, request));
            } else {
                fail(e);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private Pdpb.RegionHeartbeatResponse operatorResponse(Step step, Pdpb.RegionHeartbeatRequest request) {
        Pdpb.RegionHeartbeatResponse.Builder response = Pdpb.RegionHeartbeatResponse.newBuilder()
                .setHeader(Failures.ok(state.clusterId()))
                .setRegionId(request.getRegion().getId())
                .setRegionEpoch(request.getRegion().getRegionEpoch())
                .setTargetPeer(request.getLeader());
        step.addTo(response);
        return response.build();
    }

    private Pdpb.RegionHeartbeatResponse errorResponse(PdException e, Pdpb.RegionHeartbeatRequest request) {
        return Pdpb.RegionHeartbeatResponse.newBuilder()
                .setHeader(Failures.error(state.clusterId(), e))
                .setRegionId(request.getRegion().getId())
                .build();
    }

    private void fail(RuntimeException e) {
        done = true;
        out.onError(Failures.toStatus("RegionHeartbeat", e).asRuntimeException());
    }

    @Override
    public void onError(Throwable t) {
        // The store went away or cancelled; it reconnects and heartbeats again.
        done = true;
    }

    @Override
    public void onCompleted() {
        if (!done) {
            done = true;
            out.onCompleted();
        }
    }
}
