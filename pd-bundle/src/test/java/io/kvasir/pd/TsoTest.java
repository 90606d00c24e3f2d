package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.PDGrpc;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsoTest {
    @TempDir
    Path dir;
    PdTestCluster cluster;

    @BeforeEach
    void start() {
        cluster = PdTestCluster.start(dir);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Pdpb.TsoRequest request(int count) {
        return Pdpb.TsoRequest.newBuilder().setHeader(cluster.header()).setCount(count).build();
    }

    /** A Tso call made as tikv-client-java makes it: a unary call on the bidirectional method. */
    private Pdpb.TsoResponse clientStyleTso(int count) {
        return ClientCalls.blockingUnaryCall(cluster.channel(), PDGrpc.getTsoMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request(count));
    }

    private static long compose(Pdpb.TsoResponse r) {
        long logical = r.getTimestamp().getLogical();
        assertTrue(logical >= 0 && logical < Tso.MAX_LOGICAL, "logical out of range: " + logical);
        return r.getTimestamp().getPhysical() << Tso.LOGICAL_BITS | logical;
    }

    @Test
    void physicalIsTheClockInUnixMillisAndTheHeaderNamesTheCluster() {
        Pdpb.TsoResponse r = clientStyleTso(1);
        assertEquals(cluster.clock.millis(), r.getTimestamp().getPhysical());
        assertEquals(0, r.getTimestamp().getLogical());
        assertEquals(1, r.getCount());
        assertEquals(cluster.state.clusterId(), r.getHeader().getClusterId());
    }

    @Test
    void timestampsStrictlyIncreaseAcrossManyRequestsWhileTheClockStandsStillOrMoves() {
        long previous = -1;
        for (int i = 0; i < 300; i++) {
            if (i % 7 == 0) {
                cluster.clock.advance(Duration.ofMillis(1));
            }
            long ts = compose(clientStyleTso(1));
            assertTrue(ts > previous, "timestamp " + ts + " not above " + previous + " at request " + i);
            previous = ts;
        }
    }

    @Test
    void countAboveOneReturnsTheLastOfTheBatch() {
        Pdpb.TsoResponse first = clientStyleTso(10);
        assertEquals(9, first.getTimestamp().getLogical(), "logical 0..9 were allocated; the last is returned");
        assertEquals(10, first.getCount());
        Pdpb.TsoResponse next = clientStyleTso(1);
        assertEquals(first.getTimestamp().getPhysical(), next.getTimestamp().getPhysical());
        assertEquals(10, next.getTimestamp().getLogical());
    }

    @Test
    void oneResponsePerRequestAndTheStreamCompletesOnHalfClose() throws InterruptedException {
        List<Pdpb.TsoResponse> responses = new ArrayList<>();
        CountDownLatch completed = new CountDownLatch(1);
        List<Throwable> errors = new ArrayList<>();
        StreamObserver<Pdpb.TsoRequest> requests = cluster.async.tso(new StreamObserver<>() {
            @Override
            public void onNext(Pdpb.TsoResponse value) {
                synchronized (responses) {
                    responses.add(value);
                }
            }

            @Override
            public void onError(Throwable t) {
                errors.add(t);
                completed.countDown();
            }

            @Override
            public void onCompleted() {
                completed.countDown();
            }
        });
        requests.onNext(request(1));
        requests.onNext(request(3));
        requests.onNext(request(2));
        requests.onCompleted();
        assertTrue(completed.await(10, TimeUnit.SECONDS), "the server did not complete the stream after the half-close");
        assertEquals(List.of(), errors);
        synchronized (responses) {
            assertEquals(3, responses.size());
            assertEquals(List.of(1, 3, 2), responses.stream().map(Pdpb.TsoResponse::getCount).toList());
            assertTrue(compose(responses.get(0)) < compose(responses.get(1)));
            assertTrue(compose(responses.get(1)) < compose(responses.get(2)));
        }
    }

    @Test
    void concurrentCallersNeverSeeTheSameTimestampAndEachSeesItsOwnIncrease() throws Exception {
        int threads = 8;
        int perThread = 400;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean overGrpc = t % 2 == 0;
                futures.add(pool.submit(() -> {
                    List<Long> seen = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        if (i % 50 == 0) {
                            cluster.clock.advance(Duration.ofMillis(1));
                        }
                        seen.add(overGrpc ? compose(clientStyleTso(1)) : cluster.state.tso().allocate(1).compose());
                    }
                    return seen;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                List<Long> seen = f.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < seen.size(); i++) {
                    assertTrue(seen.get(i) > seen.get(i - 1), "a caller saw its timestamps go backwards");
                }
                all.addAll(seen);
            }
            assertEquals(threads * perThread, all.size(), "two callers were given the same timestamp");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void logicalOverflowMovesPhysicalForwardByOneMillisecond() {
        long now = cluster.clock.millis();
        Pdpb.TsoResponse big = clientStyleTso((int) Tso.MAX_LOGICAL - 1);
        assertEquals(now, big.getTimestamp().getPhysical());
        assertEquals(Tso.MAX_LOGICAL - 2, big.getTimestamp().getLogical());
        Pdpb.TsoResponse last = clientStyleTso(1);
        assertEquals(now, last.getTimestamp().getPhysical());
        assertEquals(Tso.MAX_LOGICAL - 1, last.getTimestamp().getLogical());
        Pdpb.TsoResponse borrowed = clientStyleTso(1);
        assertEquals(now + 1, borrowed.getTimestamp().getPhysical(), "the exhausted millisecond must be left");
        assertEquals(0, borrowed.getTimestamp().getLogical());
        // The clock catching up to the borrowed millisecond must not repeat it.
        cluster.clock.advance(Duration.ofMillis(1));
        assertTrue(compose(clientStyleTso(1)) > compose(borrowed));
    }

    @Test
    void countZeroAndOversizedCountsAreRefusedWithInvalidArgument() {
        StatusRuntimeException zero = assertThrows(StatusRuntimeException.class, () -> clientStyleTso(0));
        assertEquals(Status.Code.INVALID_ARGUMENT, zero.getStatus().getCode());
        StatusRuntimeException huge = assertThrows(StatusRuntimeException.class, () -> clientStyleTso(-1));
        assertEquals(Status.Code.INVALID_ARGUMENT, huge.getStatus().getCode());
        // The service still answers afterwards.
        assertTrue(compose(clientStyleTso(1)) > 0);
    }

    @Test
    void neverGoesBackwardsAfterRestartEvenWithTheClockAnHourBack() {
        long before = 0;
        for (int i = 0; i < 20; i++) {
            cluster.clock.advance(Duration.ofMillis(500));
            before = Math.max(before, compose(clientStyleTso(5)));
        }
        cluster.restart();
        cluster.clock.advance(Duration.ofHours(-1));
        long after = compose(clientStyleTso(1));
        assertTrue(after > before, "after restart " + after + " is not above " + before);
        cluster.restart();
        assertTrue(compose(clientStyleTso(1)) > after, "a second restart went backwards");
    }

    @Test
    void theLimitIsPersistedAheadAndRewrittenOnlyWhenReached() {
        PdTestCluster c = cluster;
        Pdpb.TsoResponse first = clientStyleTso(1);
        long limit = c.state.tso().savedLimit();
        assertEquals(first.getTimestamp().getPhysical() + 3000, limit, "physical + tso-save-interval");
        assertEquals(limit, new MetaStore(c.engine).getLong(Tso.LIMIT).orElseThrow(), "the limit is on disk");
        c.clock.advance(Duration.ofMillis(2999));
        clientStyleTso(1);
        assertEquals(limit, c.state.tso().savedLimit(), "no save while below the limit");
        c.clock.advance(Duration.ofMillis(1));
        Pdpb.TsoResponse atLimit = clientStyleTso(1);
        assertEquals(limit, atLimit.getTimestamp().getPhysical());
        assertEquals(limit + 3000, c.state.tso().savedLimit());
    }

    @Test
    void aWrongClusterIdFailsTheStream() {
        Pdpb.TsoRequest wrong = Pdpb.TsoRequest.newBuilder()
                .setHeader(Pdpb.RequestHeader.newBuilder().setClusterId(cluster.state.clusterId() + 1)).setCount(1).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                cluster.channel(), PDGrpc.getTsoMethod(), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), wrong));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    }
}
