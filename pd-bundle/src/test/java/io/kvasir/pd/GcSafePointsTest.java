package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcSafePointsTest {
    @TempDir
    Path dir;
    PdTestCluster cluster;

    @BeforeEach
    void start() {
        cluster = PdTestCluster.start(dir);
        cluster.bootstrap();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private long get() {
        Pdpb.GetGCSafePointResponse r = cluster.pd().getGCSafePoint(
                Pdpb.GetGCSafePointRequest.newBuilder().setHeader(cluster.header()).build());
        assertFalse(r.getHeader().hasError());
        return r.getSafePoint();
    }

    private long update(long safePoint) {
        return cluster.pd().updateGCSafePoint(Pdpb.UpdateGCSafePointRequest.newBuilder()
                .setHeader(cluster.header()).setSafePoint(safePoint).build()).getNewSafePoint();
    }

    private Pdpb.UpdateServiceGCSafePointResponse service(String id, long ttl, long safePoint) {
        Pdpb.UpdateServiceGCSafePointResponse r = cluster.pd().updateServiceGCSafePoint(
                Pdpb.UpdateServiceGCSafePointRequest.newBuilder().setHeader(cluster.header())
                        .setServiceId(ByteString.copyFromUtf8(id)).setTTL(ttl).setSafePoint(safePoint).build());
        assertFalse(r.getHeader().hasError(), r.toString());
        return r;
    }

    @Test
    void theGcSafePointOnlyMovesForwardAndSurvivesRestart() {
        assertEquals(0, get());
        assertEquals(100, update(100));
        assertEquals(100, update(50), "a step back is answered with the safe point in force");
        assertEquals(100, get());
        assertEquals(200, update(200));
        cluster.restart();
        assertEquals(200, get());
        assertEquals(200, update(150));
    }

    @Test
    void unsignedSafePointsCompareAsUnsigned() {
        long huge = 0x8000_0000_0000_0000L;
        assertEquals(huge, update(huge));
        assertEquals(huge, update(5));
    }

    @Test
    void serviceSafePointsReportTheMinimumAndExpireWithTheirTtl() {
        Pdpb.UpdateServiceGCSafePointResponse cdc = service("cdc", 60, 100);
        assertEquals(100, cdc.getMinSafePoint());
        assertEquals("cdc", cdc.getServiceId().toStringUtf8());
        assertEquals(60, cdc.getTTL());
        assertEquals(100, service("br", 600, 300).getMinSafePoint());
        cluster.clock.advance(Duration.ofSeconds(60));
        assertEquals(100, service("br", 600, 300).getMinSafePoint(), "cdc lives through its last second");
        cluster.clock.advance(Duration.ofSeconds(1));
        assertEquals(300, service("br", 600, 300).getMinSafePoint(), "cdc expired");
        assertEquals(List.of("br"), cluster.state.gc().services().stream().map(s -> s.id().toStringUtf8()).toList());
    }

    @Test
    void aZeroOrNegativeTtlRemovesTheService() {
        service("cdc", 60, 100);
        service("br", 60, 300);
        Pdpb.UpdateServiceGCSafePointResponse removed = service("cdc", 0, 0);
        assertEquals(300, removed.getMinSafePoint());
        assertEquals(0, removed.getTTL());
        assertEquals(0, service("br", -1, 0).getMinSafePoint(), "no service left: the GC safe point (0)");
        assertEquals(List.of(), cluster.state.gc().services());
    }

    @Test
    void aSafePointBelowTheMinimumOrTheGcSafePointIsRefused() {
        service("cdc", 60, 100);
        Pdpb.UpdateServiceGCSafePointResponse refused = service("br", 60, 50);
        assertEquals(100, refused.getMinSafePoint());
        assertEquals(0, refused.getTTL(), "a refused safe point is not kept");
        assertEquals(1, cluster.state.gc().services().size());
        update(100);
        service("cdc", 0, 0);
        Pdpb.UpdateServiceGCSafePointResponse belowGc = service("br", 60, 90);
        assertEquals(100, belowGc.getMinSafePoint());
        assertEquals(List.of(), cluster.state.gc().services());
    }

    @Test
    void serviceSafePointsSurviveRestartAndStillExpire() {
        service("cdc", 30, 100);
        cluster.restart();
        assertEquals(100, service("br", 600, 500).getMinSafePoint());
        cluster.clock.advance(Duration.ofSeconds(31));
        cluster.restart();
        assertEquals(500, service("br", 600, 500).getMinSafePoint());
    }

    @Test
    void anEmptyServiceIdIsInvalid() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cluster.pd().updateServiceGCSafePoint(
                Pdpb.UpdateServiceGCSafePointRequest.newBuilder().setHeader(cluster.header()).setTTL(10).setSafePoint(1).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    // ---- PD moving the safe point itself (pd.gc.*) ----------------------------------------------

    private void restartWith(GcSettings gc) {
        cluster.close();
        cluster = PdTestCluster.builder(dir).settings(PdSettings.of("http://127.0.0.1:2379").withGc(gc)).start();
    }

    private long lifeTimeAgo(Duration lifeTime) {
        return (cluster.clock.millis() - lifeTime.toMillis()) << Tso.LOGICAL_BITS;
    }

    @Test
    void pdMovesTheSafePointToLifeTimeBeforeNowAtMostOncePerInterval() {
        GcSettings gc = new GcSettings(Duration.ofMinutes(10), Duration.ofMinutes(5));
        restartWith(gc);
        long first = get();
        assertEquals(lifeTimeAgo(gc.lifeTime()), first, "the first ask moves it");

        cluster.clock.advance(Duration.ofMinutes(4));
        assertEquals(first, get(), "not again before the interval");

        cluster.clock.advance(Duration.ofMinutes(1));
        assertEquals(lifeTimeAgo(gc.lifeTime()), get(), "again once the interval passed");
    }

    @Test
    void aServiceSafePointHoldsPdsAdvanceBack() {
        restartWith(new GcSettings(Duration.ofMinutes(10), Duration.ofMinutes(1)));
        long held = lifeTimeAgo(Duration.ofMinutes(30));
        service("backup", 3600, held);
        assertEquals(held, get(), "not past the backup's safe point");

        service("backup", 0, 0);
        cluster.clock.advance(Duration.ofMinutes(1));
        assertEquals(lifeTimeAgo(Duration.ofMinutes(10)), get(), "free to move once the service let go");
    }

    @Test
    void pdNeverMovesTheSafePointBack() {
        restartWith(new GcSettings(Duration.ofMinutes(10), Duration.ofMinutes(1)));
        long ahead = lifeTimeAgo(Duration.ofMinutes(1));
        assertEquals(ahead, update(ahead), "an outside GC leader moved it further");
        cluster.clock.advance(Duration.ofMinutes(1));
        assertEquals(ahead, get());
    }

    @Test
    void withNoAdvanceIntervalOnlyUpdateGcSafePointMovesIt() {
        restartWith(GcSettings.MANUAL);
        cluster.clock.advance(Duration.ofHours(1));
        assertEquals(0, get());
    }
}
