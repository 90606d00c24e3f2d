package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static io.kvasir.server.TxnRpcs.abort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.server.TxnRpcs.TxnRpc;
import io.kvasir.txn.api.TxnStorageException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each transactional RPC hands its request to the TxnStorage as is and answers the storage's
 * response as is; a failure becomes the response with only {@code region_error}, or only a key
 * error whose {@code abort} says why. SplitRegion goes to the storage of its kind of keys.
 */
class TxnRpcMappingTest {
    static final Errorpb.Error NOT_LEADER = FailureMappingTest.NOT_LEADER;

    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    static List<TxnRpc> rpcs() {
        return TxnRpcs.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void theRequestReachesTheStorageAndItsAnswerComesBackAsIs(TxnRpc rpc) {
        h.txnStorage.answer(rpc.answer());
        assertEquals(rpc.answer(), rpc.call().apply(h.blocking()));
        assertEquals(List.of(rpc.request()), h.txnStorage.requests());
        assertTrue(h.storage.calls().isEmpty(), "the raw storage is not involved");
        RequestMetrics.Snapshot counted = h.metrics.snapshot(rpc.command());
        assertEquals(1, counted.requests());
        assertEquals(0, counted.errors() + counted.regionErrors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void aRegionErrorIsTheOnlyFieldOfTheAnswer(TxnRpc rpc) {
        h.txnStorage.answer(rpc.answer());
        h.txnStorage.failNext(new RegionException(NOT_LEADER));
        assertEquals(rpc.regionOnly().apply(NOT_LEADER), rpc.call().apply(h.blocking()));
        assertEquals(1, h.metrics.snapshot(rpc.command()).regionErrors());

        Errorpb.Error epochNotMatch = Errorpb.Error.newBuilder().setMessage("epoch not match")
                .setEpochNotMatch(Errorpb.EpochNotMatch.getDefaultInstance()).build();
        h.txnStorage.throwNext(new RegionException(epochNotMatch));
        assertEquals(rpc.regionOnly().apply(epochNotMatch), rpc.call().apply(h.blocking()), "thrown at once, too");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void aRefusedRequestIsAnAbortInTheKeyError(TxnRpc rpc) {
        h.txnStorage.failNext(new TxnStorageException("pessimistic transactions are not supported yet"));
        assertEquals(rpc.errorOnly().apply(abort("pessimistic transactions are not supported yet")),
                rpc.call().apply(h.blocking()));
        assertEquals(1, h.metrics.snapshot(rpc.command()).errors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void anythingUnexpectedIsAnInternalAbortAndTheNodeKeepsServing(TxnRpc rpc) {
        h.txnStorage.failNext(new IllegalStateException("boom"));
        assertEquals(rpc.errorOnly().apply(abort(Failure.INTERNAL_PREFIX + "java.lang.IllegalStateException: boom")),
                rpc.call().apply(h.blocking()));
        h.txnStorage.throwNext(new IllegalArgumentException("thrown at once"));
        assertEquals(rpc.errorOnly().apply(abort(Failure.INTERNAL_PREFIX
                + "java.lang.IllegalArgumentException: thrown at once")), rpc.call().apply(h.blocking()));
        h.txnStorage.returnNullFutureNext();
        assertEquals(rpc.errorOnly().apply(abort(Failure.INTERNAL_PREFIX
                + "java.lang.NullPointerException: the storage layer returned no future")), rpc.call().apply(h.blocking()));
        h.txnStorage.answerNullNext();
        assertEquals(rpc.errorOnly().apply(abort(Failure.INTERNAL_PREFIX
                + "java.lang.NullPointerException: the storage layer completed with no response")),
                rpc.call().apply(h.blocking()));
        assertEquals(4, h.metrics.snapshot(rpc.command()).errors());

        h.txnStorage.answer(rpc.answer());
        assertEquals(rpc.answer(), rpc.call().apply(h.blocking()), "still serving");
    }

    // ---- SplitRegion ------------------------------------------------------------------------------

    private static Metapb.Region region(long id, String start, String end) {
        return Metapb.Region.newBuilder().setId(id).setStartKey(bs(start)).setEndKey(bs(end)).build();
    }

    private static Kvrpcpb.SplitRegionRequest split(boolean raw, String... keys) {
        Kvrpcpb.SplitRegionRequest.Builder b = Kvrpcpb.SplitRegionRequest.newBuilder().setContext(CONTEXT).setIsRawKv(raw);
        for (String k : keys) {
            b.addSplitKeys(bs(k));
        }
        return b.build();
    }

    @Test
    void aTransactionalSplitGoesToTheTxnStorageAndAnswersLeftAndRight() {
        Metapb.Region left = region(100, "", "m");
        Metapb.Region right = region(101, "m", "");
        h.txnStorage.answer(Kvrpcpb.SplitRegionResponse.newBuilder().addRegions(left).addRegions(right).build());
        Kvrpcpb.SplitRegionRequest req = split(false, "m");
        Kvrpcpb.SplitRegionResponse resp = h.blocking().splitRegion(req);
        assertEquals(List.of(left, right), resp.getRegionsList());
        assertEquals(left, resp.getLeft());
        assertEquals(right, resp.getRight());
        assertEquals(List.of(req), h.txnStorage.requests());
        assertTrue(h.storage.calls().isEmpty(), "the raw storage does not cut transactional keys");

        Kvrpcpb.SplitRegionResponse three = Kvrpcpb.SplitRegionResponse.newBuilder()
                .addRegions(region(100, "", "f")).addRegions(region(101, "f", "m")).addRegions(region(102, "m", "")).build();
        h.txnStorage.answer(three);
        assertEquals(three, h.blocking().splitRegion(split(false, "f", "m")), "left and right only for two pieces");
    }

    @Test
    void aRawSplitStillGoesToTheRawStorage() {
        Kvrpcpb.SplitRegionResponse resp = h.blocking().splitRegion(split(true, "m"));
        assertEquals("splitRegion", h.storage.lastCall().method());
        assertEquals(2, resp.getRegionsCount());
        assertTrue(h.txnStorage.requests().isEmpty());
    }

    @Test
    void aTransactionalSplitFailsLikeTheRawOne() {
        h.txnStorage.failNext(new RegionException(NOT_LEADER));
        assertEquals(Kvrpcpb.SplitRegionResponse.newBuilder().setRegionError(NOT_LEADER).build(),
                h.blocking().splitRegion(split(false, "m")));

        h.txnStorage.failNext(new TxnStorageException("split key outside the region"));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                () -> h.blocking().splitRegion(split(false, "m")));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertEquals("split key outside the region", refused.getStatus().getDescription());

        h.txnStorage.failNext(new IllegalStateException("boom"));
        StatusRuntimeException internal = assertThrows(StatusRuntimeException.class,
                () -> h.blocking().splitRegion(split(false, "m")));
        assertEquals(Status.Code.INTERNAL, internal.getStatus().getCode());
        assertTrue(internal.getStatus().getDescription().startsWith(Failure.INTERNAL_PREFIX));
        assertEquals(3, h.txnStorage.requests().size());
        assertEquals(1, h.metrics.snapshot(Command.SPLIT_REGION).regionErrors());
        assertEquals(2, h.metrics.snapshot(Command.SPLIT_REGION).errors());
    }

    @Test
    @SuppressWarnings("deprecation")
    void aTransactionalSplitWithoutKeysIsRefusedBeforeTheStorage() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> h.blocking().splitRegion(split(false)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(h.txnStorage.requests().isEmpty());

        // The deprecated single split_key counts as a key.
        Kvrpcpb.SplitRegionRequest old = Kvrpcpb.SplitRegionRequest.newBuilder().setContext(CONTEXT)
                .setSplitKey(bs("m")).build();
        assertFalse(h.blocking().splitRegion(old).hasRegionError());
        assertEquals(List.of(old), h.txnStorage.requests());
    }
}
