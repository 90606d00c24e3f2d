package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PD with stores that heartbeat and regions that heartbeat as their leaders would, for
 * scheduling tests. Region heartbeats go straight into a {@link RegionHeartbeatStream} (the gRPC
 * layer adds nothing but threads; {@code SchedulingTest} covers the wire once), so every answer is
 * back when {@link #heartbeat} returns. Time moves only with {@link #clock}.
 */
final class SchedulingHarness implements AutoCloseable {
    final PdTestCluster cluster;
    final ManualClock clock;
    /** Store ids, the bootstrap store first. */
    final List<Long> stores = new ArrayList<>();
    private FakeRegion first;

    private SchedulingHarness(PdTestCluster cluster) {
        this.cluster = cluster;
        this.clock = cluster.clock;
    }

    /** A bootstrapped PD with {@code settings} whose bootstrap store has {@code labels} ("zone=z1", ...). */
    static SchedulingHarness start(Path dir, PdSettings settings, String... labels) {
        SchedulingHarness h = new SchedulingHarness(PdTestCluster.builder(dir).settings(settings).start());
        Metapb.Region region = h.cluster.bootstrap();
        long store = region.getPeers(0).getStoreId();
        h.stores.add(store);
        h.put(store, "127.0.0.1:20160", labels);
        h.storeHeartbeat(store);
        h.first = FakeRegion.of(region);
        return h;
    }

    /** The bootstrap region, one voter on the bootstrap store. */
    FakeRegion firstRegion() {
        return first;
    }

    /** Registers a new store with {@code labels} and heartbeats it once. */
    long addStore(String... labels) {
        long id = cluster.allocId();
        put(id, "127.0.0.1:" + (20160 + stores.size()), labels);
        stores.add(id);
        storeHeartbeat(id);
        return id;
    }

    private void put(long id, String address, String... labels) {
        Metapb.Store.Builder store = Metapb.Store.newBuilder().setId(id).setAddress(address).setVersion("7.1.0");
        for (String label : labels) {
            String[] kv = label.split("=", 2);
            store.addLabels(Metapb.StoreLabel.newBuilder().setKey(kv[0]).setValue(kv[1]));
        }
        Pdpb.PutStoreResponse r = cluster.pd().putStore(Pdpb.PutStoreRequest.newBuilder().setHeader(cluster.header())
                .setStore(store).build());
        assertFalse(r.getHeader().hasError(), r.toString());
    }

    void storeHeartbeat(long... ids) {
        for (long id : ids) {
            Pdpb.StoreHeartbeatResponse r = cluster.pd().storeHeartbeat(Pdpb.StoreHeartbeatRequest.newBuilder()
                    .setHeader(cluster.header()).setStats(Pdpb.StoreStats.newBuilder().setStoreId(id)).build());
            assertFalse(r.getHeader().hasError(), r.toString());
        }
    }

    /** Every store but {@code silent} heartbeats. */
    void storeHeartbeatAllBut(long... silent) {
        for (long id : stores) {
            boolean skip = false;
            for (long s : silent) {
                skip |= s == id;
            }
            if (!skip) {
                storeHeartbeat(id);
            }
        }
    }

    /** Sends {@code region}'s heartbeat; returns PD's answer, or null when it said nothing. */
    Pdpb.RegionHeartbeatResponse heartbeat(FakeRegion region) {
        List<Pdpb.RegionHeartbeatResponse> answers = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        RegionHeartbeatStream stream = new RegionHeartbeatStream(cluster.state, new StreamObserver<>() {
            @Override
            public void onNext(Pdpb.RegionHeartbeatResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        stream.onNext(region.request(cluster.header()));
        assertTrue(errors.isEmpty(), errors.toString());
        assertTrue(answers.size() <= 1, answers.toString());
        if (answers.isEmpty()) {
            return null;
        }
        assertFalse(answers.get(0).getHeader().hasError(), answers.get(0).toString());
        return answers.get(0);
    }

    /**
     * Heartbeats and applies PD's answers, marking new learners caught up at once, until PD has
     * nothing more to say; at most {@code maxSteps} steps. Returns the final region.
     */
    FakeRegion settle(FakeRegion region, int maxSteps) {
        FakeRegion r = region;
        for (int i = 0; i < maxSteps; i++) {
            Pdpb.RegionHeartbeatResponse answer = heartbeat(r);
            if (answer == null) {
                return r;
            }
            r = r.apply(answer).caughtUp();
        }
        throw new AssertionError("PD still scheduling after " + maxSteps + " steps: " + r);
    }

    /** A region [start, end) with voters on {@code voterStores}, led by the first, new ids from PD. */
    FakeRegion newRegion(String start, String end, long... voterStores) {
        Metapb.Region.Builder b = Metapb.Region.newBuilder().setId(cluster.allocId())
                .setStartKey(ByteString.copyFromUtf8(start)).setEndKey(ByteString.copyFromUtf8(end))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(2).setConfVer(voterStores.length));
        for (long s : voterStores) {
            b.addPeers(Metapb.Peer.newBuilder().setId(cluster.allocId()).setStoreId(s));
        }
        return FakeRegion.of(b.build());
    }

    Pdpb.GetOperatorResponse getOperator(long regionId) {
        return cluster.pd().getOperator(Pdpb.GetOperatorRequest.newBuilder().setHeader(cluster.header())
                .setRegionId(regionId).build());
    }

    @Override
    public void close() {
        cluster.close();
    }
}
