package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static io.kvasir.server.Harness.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.TikvGrpc.TikvBlockingStub;
import io.kvasir.raft.api.RegionException;
import io.kvasir.txn.api.RawStorageException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every raw RPC maps a storage failure the same way: region errors to {@code region_error},
 * storage refusals to {@code error} (or a final/retryable gRPC status where the response has no
 * {@code error} field), and anything unexpected to {@code "internal error: ..."}.
 */
class FailureMappingTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    /** What a response said: its region error and its error string ({@code null}: no such field). */
    record Said(Errorpb.Error regionError, String error) {
    }

    /** One raw RPC with a well-formed request. */
    record Rpc(String name, boolean hasErrorField, Function<TikvBlockingStub, Said> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Rpc> rpcs() {
        return Stream.of(
                new Rpc("RawGet", true, s -> {
                    Kvrpcpb.RawGetResponse r = s.rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT).setKey(bs("k")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawBatchGet", false, s -> {
                    Kvrpcpb.RawBatchGetResponse r = s.rawBatchGet(Kvrpcpb.RawBatchGetRequest.newBuilder().setContext(CONTEXT)
                            .addKeys(bs("k")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, null);
                }),
                new Rpc("RawPut", true, s -> {
                    Kvrpcpb.RawPutResponse r = s.rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT).setKey(bs("k"))
                            .setValue(bs("v")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawBatchPut", true, s -> {
                    Kvrpcpb.RawBatchPutResponse r = s.rawBatchPut(Kvrpcpb.RawBatchPutRequest.newBuilder().setContext(CONTEXT)
                            .addPairs(kv("k", "v")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawDelete", true, s -> {
                    Kvrpcpb.RawDeleteResponse r = s.rawDelete(Kvrpcpb.RawDeleteRequest.newBuilder().setContext(CONTEXT)
                            .setKey(bs("k")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawBatchDelete", true, s -> {
                    Kvrpcpb.RawBatchDeleteResponse r = s.rawBatchDelete(Kvrpcpb.RawBatchDeleteRequest.newBuilder()
                            .setContext(CONTEXT).addKeys(bs("k")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawScan", false, s -> {
                    Kvrpcpb.RawScanResponse r = s.rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                            .setLimit(10).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, null);
                }),
                new Rpc("RawBatchScan", false, s -> {
                    Kvrpcpb.RawBatchScanResponse r = s.rawBatchScan(Kvrpcpb.RawBatchScanRequest.newBuilder()
                            .setContext(CONTEXT).setEachLimit(10).addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")))
                            .build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, null);
                }),
                new Rpc("RawDeleteRange", true, s -> {
                    Kvrpcpb.RawDeleteRangeResponse r = s.rawDeleteRange(Kvrpcpb.RawDeleteRangeRequest.newBuilder()
                            .setContext(CONTEXT).setStartKey(bs("a")).setEndKey(bs("b")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawCompareAndSwap", true, s -> {
                    Kvrpcpb.RawCASResponse r = s.rawCompareAndSwap(Kvrpcpb.RawCASRequest.newBuilder().setContext(CONTEXT)
                            .setKey(bs("k")).setValue(bs("v")).setPreviousNotExist(true).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawGetKeyTTL", true, s -> {
                    Kvrpcpb.RawGetKeyTTLResponse r = s.rawGetKeyTTL(Kvrpcpb.RawGetKeyTTLRequest.newBuilder()
                            .setContext(CONTEXT).setKey(bs("k")).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }),
                new Rpc("RawChecksum", true, s -> {
                    Kvrpcpb.RawChecksumResponse r = s.rawChecksum(Kvrpcpb.RawChecksumRequest.newBuilder()
                            .setContext(CONTEXT).addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a"))).build());
                    return new Said(r.hasRegionError() ? r.getRegionError() : null, r.getError());
                }));
    }

    static final Errorpb.Error NOT_LEADER = Errorpb.Error.newBuilder()
            .setMessage("peer is not leader for region 7")
            .setNotLeader(Errorpb.NotLeader.newBuilder().setRegionId(7)
                    .setLeader(Metapb.Peer.newBuilder().setId(9).setStoreId(2)))
            .build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void regionErrorOfTheFutureLandsInRegionError(Rpc rpc) {
        h.storage.failNext(new RegionException(NOT_LEADER));
        Said said = rpc.call().apply(h.blocking());
        assertEquals(NOT_LEADER, said.regionError());
        if (rpc.hasErrorField()) {
            assertEquals("", said.error(), "a region error is not also an error");
        }
        assertEquals(1, h.metrics.snapshot(commandOf(rpc)).regionErrors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void regionErrorThrownAtOnceLandsInRegionErrorToo(Rpc rpc) {
        Errorpb.Error storeNotMatch = Errorpb.Error.newBuilder().setMessage("store not match")
                .setStoreNotMatch(Errorpb.StoreNotMatch.newBuilder().setRequestStoreId(1).setActualStoreId(3)).build();
        h.storage.throwNext(new RegionException(storeNotMatch));
        assertEquals(storeNotMatch, rpc.call().apply(h.blocking()).regionError());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void invalidArgumentFromStorageIsTheErrorStringOrAFinalStatus(Rpc rpc) {
        h.storage.failNext(new RawStorageException(RawStorageException.Kind.INVALID_ARGUMENT, "invalid cf 'x'"));
        if (rpc.hasErrorField()) {
            Said said = rpc.call().apply(h.blocking());
            assertEquals("invalid cf 'x'", said.error());
            assertNull(said.regionError());
        } else {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rpc.call().apply(h.blocking()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            assertEquals("invalid cf 'x'", e.getStatus().getDescription());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void internalStorageFailureIsTheErrorStringOrARetryableStatus(Rpc rpc) {
        h.storage.failNext(new RawStorageException(RawStorageException.Kind.INTERNAL, "engine closed"));
        if (rpc.hasErrorField()) {
            assertEquals("engine closed", rpc.call().apply(h.blocking()).error());
        } else {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rpc.call().apply(h.blocking()));
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
            assertEquals("engine closed", e.getStatus().getDescription());
        }
        assertEquals(1, h.metrics.snapshot(commandOf(rpc)).errors());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void unexpectedExceptionIsAnInternalErrorAndTheNodeKeepsServing(Rpc rpc) {
        h.storage.failNext(new IllegalStateException("boom"));
        assertInternal(rpc, "boom");
        h.storage.throwNext(new NullPointerException("thrown at once"));
        assertInternal(rpc, "thrown at once");
        h.storage.returnNullNext();
        assertInternal(rpc, "no future");

        // The node still serves this RPC and others.
        Said fine = rpc.call().apply(h.blocking());
        assertNull(fine.regionError());
        if (rpc.hasErrorField()) {
            assertEquals("", fine.error());
        }
        h.seed("k", "v");
        assertEquals("v", h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT).setKey(bs("k")).build())
                .getValue().toStringUtf8());
    }

    private void assertInternal(Rpc rpc, String detail) {
        if (rpc.hasErrorField()) {
            String error = rpc.call().apply(h.blocking()).error();
            assertTrue(error.startsWith(Failure.INTERNAL_PREFIX), error);
            assertTrue(error.contains(detail), error);
        } else {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rpc.call().apply(h.blocking()));
            assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().startsWith(Failure.INTERNAL_PREFIX), e.getStatus().getDescription());
            assertTrue(e.getStatus().getDescription().contains(detail), e.getStatus().getDescription());
        }
    }

    @Test
    void aValueTheResponseCannotHoldIsAnInternalError() {
        h.storage.answerBatchGetWith(Arrays.asList(kv("a", "1"), null));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.blocking().rawBatchGet(
                Kvrpcpb.RawBatchGetRequest.newBuilder().setContext(CONTEXT).addKeys(bs("a")).build()));
        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    }

    @Test
    void rawBatchScanWithRangesOutOfOrderIsInvalidArgument() {
        List<Kvrpcpb.KeyRange> bad = List.of(
                Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("b")).setEndKey(bs("a")).build());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> h.blocking().rawBatchScan(
                Kvrpcpb.RawBatchScanRequest.newBuilder().setContext(CONTEXT).setEachLimit(1).addAllRanges(bad).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("Invalid KeyRanges"));

        // An empty end key that becomes a following start key below the range's own start.
        List<Kvrpcpb.KeyRange> unordered = List.of(
                Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("c")).build(),
                Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")).build());
        assertThrows(StatusRuntimeException.class, () -> h.blocking().rawBatchScan(
                Kvrpcpb.RawBatchScanRequest.newBuilder().setContext(CONTEXT).setEachLimit(1).addAllRanges(unordered).build()));
        assertFalse(h.storage.calls().stream().anyMatch(c -> c.method().equals("scan")), "refused before any scan");
    }

    @Test
    void aFailingRangeFailsTheWholeBatchScan() {
        h.storage.failNext(new RegionException(NOT_LEADER));
        Kvrpcpb.RawBatchScanResponse r = h.blocking().rawBatchScan(Kvrpcpb.RawBatchScanRequest.newBuilder()
                .setContext(CONTEXT).setEachLimit(5)
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")).setEndKey(bs("b")))
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("c")).setEndKey(bs("d")))
                .build());
        assertEquals(NOT_LEADER, r.getRegionError());
        assertEquals(0, r.getKvsCount());
    }

    private static Command commandOf(Rpc rpc) {
        return switch (rpc.name()) {
            case "RawGet" -> Command.RAW_GET;
            case "RawBatchGet" -> Command.RAW_BATCH_GET;
            case "RawPut" -> Command.RAW_PUT;
            case "RawBatchPut" -> Command.RAW_BATCH_PUT;
            case "RawDelete" -> Command.RAW_DELETE;
            case "RawBatchDelete" -> Command.RAW_BATCH_DELETE;
            case "RawScan" -> Command.RAW_SCAN;
            case "RawBatchScan" -> Command.RAW_BATCH_SCAN;
            case "RawDeleteRange" -> Command.RAW_DELETE_RANGE;
            case "RawCompareAndSwap" -> Command.RAW_COMPARE_AND_SWAP;
            case "RawGetKeyTTL" -> Command.RAW_GET_KEY_TTL;
            case "RawChecksum" -> Command.RAW_CHECKSUM;
            default -> throw new IllegalArgumentException(rpc.name());
        };
    }
}
