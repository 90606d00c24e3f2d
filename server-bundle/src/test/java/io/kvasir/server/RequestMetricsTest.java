package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.RegionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Test
    void countsOutcomesAndLatencyOnAnInjectedClock() {
        AtomicLong now = new AtomicLong(1_000);
        RequestMetrics m = new RequestMetrics(now::get);

        long s1 = m.start();
        now.addAndGet(300_000); // 0.3 ms
        m.record(Command.RAW_GET, RequestMetrics.Outcome.OK, s1);
        long s2 = m.start();
        now.addAndGet(2_000_000_000L); // 2 s
        m.record(Command.RAW_GET, RequestMetrics.Outcome.REGION_ERROR, s2);
        long s3 = m.start();
        now.addAndGet(7_000_000_000L); // beyond the last bound
        m.record(Command.RAW_GET, RequestMetrics.Outcome.ERROR, s3);

        RequestMetrics.Snapshot s = m.snapshot(Command.RAW_GET);
        assertEquals(3, s.requests());
        assertEquals(1, s.regionErrors());
        assertEquals(1, s.errors());
        assertEquals(9_000_300_000L, s.totalNanos());
        assertEquals(7_000_000_000L, s.maxNanos());
        long[] b = s.buckets();
        assertEquals(RequestMetrics.BUCKET_BOUNDS_NANOS.length + 1, b.length);
        assertEquals(1, b[RequestMetrics.bucketOf(300_000)]);
        assertEquals(1, b[RequestMetrics.bucketOf(2_000_000_000L)]);
        assertEquals(1, b[b.length - 1]);
        assertEquals(0, m.snapshot(Command.RAW_PUT).requests());
        assertEquals(Command.values().length, m.snapshot().size());
    }

    @Test
    void bucketBoundsAreInclusive() {
        assertEquals(0, RequestMetrics.bucketOf(0));
        assertEquals(0, RequestMetrics.bucketOf(100_000));
        assertEquals(1, RequestMetrics.bucketOf(100_001));
        assertEquals(RequestMetrics.BUCKET_BOUNDS_NANOS.length - 1, RequestMetrics.bucketOf(5_000_000_000L));
        assertEquals(RequestMetrics.BUCKET_BOUNDS_NANOS.length, RequestMetrics.bucketOf(Long.MAX_VALUE));
    }

    @Test
    void theServiceCountsEveryRequestUnderItsCommand() throws Exception {
        try (Harness h = Harness.builder().start()) {
            h.blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT).setKey(bs("a")).setValue(bs("1")).build());
            h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT).setKey(bs("a")).build());
            h.storage.failNext(new RegionException(Errorpb.Error.newBuilder().setMessage("region 7 not found")
                    .setRegionNotFound(Errorpb.RegionNotFound.newBuilder().setRegionId(7)).build()));
            h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT).setKey(bs("a")).build());

            assertEquals(1, h.metrics.snapshot(Command.RAW_PUT).requests());
            RequestMetrics.Snapshot get = h.metrics.snapshot(Command.RAW_GET);
            assertEquals(2, get.requests());
            assertEquals(1, get.regionErrors());
            assertEquals(0, get.errors());
        }
    }
}
