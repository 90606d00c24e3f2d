package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static io.kvasir.server.Harness.kv;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each raw RPC's request fields reach the storage, and its answer lands in the right response fields. */
class RawRpcMappingTest {
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = Harness.builder().start();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private static List<String> keys(List<Kvrpcpb.KvPair> pairs) {
        return pairs.stream().map(p -> p.getKey().toStringUtf8()).toList();
    }

    @Test
    void rawPutPassesEveryFieldAndRawGetAnswersValue() {
        Kvrpcpb.RawPutResponse put = h.blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("k")).setValue(bs("v")).setCf("write").setTtl(30).setForCas(true).build());
        assertFalse(put.hasRegionError());
        assertEquals("", put.getError());
        FakeRawStorage.Call call = h.storage.lastCall();
        assertEquals("put", call.method());
        assertEquals(CONTEXT, call.context());
        assertEquals("write", call.cf());
        assertArrayEquals("k".getBytes(), (byte[]) call.args().get(0));
        assertArrayEquals("v".getBytes(), (byte[]) call.args().get(1));
        assertEquals(30L, call.args().get(2));

        Kvrpcpb.RawGetResponse get = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("k")).setCf("lock").build());
        assertEquals("v", get.getValue().toStringUtf8());
        assertFalse(get.getNotFound());
        assertEquals("lock", h.storage.lastCall().cf());
    }

    @Test
    void rawGetOfAbsentKeySaysNotFoundAndOfEmptyValueDoesNot() {
        Kvrpcpb.RawGetResponse absent = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("nope")).build());
        assertTrue(absent.getNotFound());
        assertTrue(absent.getValue().isEmpty());
        assertEquals("", absent.getError());

        h.seed("empty", "");
        Kvrpcpb.RawGetResponse empty = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("empty")).build());
        assertFalse(empty.getNotFound());
        assertTrue(empty.getValue().isEmpty());
    }

    @Test
    void rawBatchGetAnswersExistingPairsOnly() {
        h.seed("a", "1", "c", "3");
        Kvrpcpb.RawBatchGetResponse resp = h.blocking().rawBatchGet(Kvrpcpb.RawBatchGetRequest.newBuilder()
                .setContext(CONTEXT).setCf("default").addKeys(bs("a")).addKeys(bs("b")).addKeys(bs("c")).build());
        assertEquals(List.of(kv("a", "1"), kv("c", "3")), resp.getPairsList());
        assertEquals("default", h.storage.lastCall().cf());
        assertEquals(3, ((List<?>) h.storage.lastCall().args().get(0)).size());
    }

    @Test
    void rawBatchPutTtlsFollowTikvsRule() {
        Kvrpcpb.RawBatchPutRequest.Builder base = Kvrpcpb.RawBatchPutRequest.newBuilder().setContext(CONTEXT)
                .addPairs(kv("a", "1")).addPairs(kv("b", "2")).addPairs(kv("c", "3"));

        assertEquals("", h.blocking().rawBatchPut(base.clone().build()).getError());
        assertEquals(List.of(), h.storage.lastCall().args().get(1), "no ttls: none");

        h.blocking().rawBatchPut(base.clone().addTtls(5).build());
        assertEquals(List.of(5L), h.storage.lastCall().args().get(1), "one ttl: for all pairs");

        h.blocking().rawBatchPut(base.clone().addTtls(1).addTtls(2).addTtls(3).build());
        assertEquals(List.of(1L, 2L, 3L), h.storage.lastCall().args().get(1), "one per pair");
        assertEquals(List.of(kv("a", "1"), kv("b", "2"), kv("c", "3")), h.storage.lastCall().args().get(0));
    }

    @Test
    @SuppressWarnings("deprecation")
    void rawBatchPutDeprecatedTtlCountsWhenTtlsIsEmpty() {
        h.blocking().rawBatchPut(Kvrpcpb.RawBatchPutRequest.newBuilder().setContext(CONTEXT)
                .addPairs(kv("a", "1")).addPairs(kv("b", "2")).setTtl(7).build());
        assertEquals(List.of(7L), h.storage.lastCall().args().get(1));

        // ttls wins over the deprecated field when both are sent.
        h.blocking().rawBatchPut(Kvrpcpb.RawBatchPutRequest.newBuilder().setContext(CONTEXT)
                .addPairs(kv("a", "1")).setTtl(7).addTtls(9).build());
        assertEquals(List.of(9L), h.storage.lastCall().args().get(1));
    }

    @Test
    void rawBatchPutWithMismatchedTtlsIsRefusedInErrorAndWritesNothing() {
        int callsBefore = h.storage.calls().size();
        Kvrpcpb.RawBatchPutResponse resp = h.blocking().rawBatchPut(Kvrpcpb.RawBatchPutRequest.newBuilder()
                .setContext(CONTEXT).addPairs(kv("a", "1")).addPairs(kv("b", "2")).addPairs(kv("c", "3"))
                .addTtls(1).addTtls(2).build());
        assertTrue(resp.getError().contains("ttls"), resp.getError());
        assertFalse(resp.hasRegionError());
        assertEquals(callsBefore, h.storage.calls().size(), "the storage is not called");
        assertTrue(h.storage.peek("a").isEmpty());
    }

    @Test
    void rawDeleteAndRawBatchDelete() {
        h.seed("a", "1", "b", "2", "c", "3");
        assertEquals("", h.blocking().rawDelete(Kvrpcpb.RawDeleteRequest.newBuilder().setContext(CONTEXT)
                .setKey(bs("a")).setCf("default").setForCas(true).build()).getError());
        assertEquals("delete", h.storage.lastCall().method());
        assertTrue(h.storage.peek("a").isEmpty());

        assertEquals("", h.blocking().rawBatchDelete(Kvrpcpb.RawBatchDeleteRequest.newBuilder().setContext(CONTEXT)
                .addKeys(bs("b")).addKeys(bs("c")).addKeys(bs("zz")).build()).getError());
        assertTrue(h.storage.peek("b").isEmpty());
        assertTrue(h.storage.peek("c").isEmpty());
    }

    @Test
    void rawScanPassesBoundsLimitKeyOnlyAndReverse() {
        h.seed("a", "1", "b", "2", "c", "3", "d", "4");
        Kvrpcpb.RawScanResponse fwd = h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                .setStartKey(bs("b")).setEndKey(bs("d")).setLimit(10).build());
        assertEquals(List.of(kv("b", "2"), kv("c", "3")), fwd.getKvsList());

        Kvrpcpb.RawScanResponse limited = h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                .setStartKey(bs("a")).setLimit(3).setKeyOnly(true).setCf("default").build());
        assertEquals(List.of("a", "b", "c"), keys(limited.getKvsList()));
        assertTrue(limited.getKvsList().stream().allMatch(p -> p.getValue().isEmpty()), "key_only");
        List<Object> args = h.storage.lastCall().args();
        assertEquals(3, args.get(2));
        assertEquals(true, args.get(3));
        assertEquals(false, args.get(4));

        Kvrpcpb.RawScanResponse rev = h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                .setStartKey(bs("d")).setEndKey(bs("a")).setLimit(10).setReverse(true).build());
        assertEquals(List.of("c", "b", "a"), keys(rev.getKvsList()));
        assertEquals(true, h.storage.lastCall().args().get(4));
    }

    @Test
    void rawScanLimitIsAnUnsignedInteger() {
        h.seed("a", "1");
        // 0xFFFFFFFF on the wire is 4294967295, not -1: no cap, as in TiKV.
        Kvrpcpb.RawScanResponse resp = h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT)
                .setLimit(-1).build());
        assertEquals(1, resp.getKvsCount());
        assertEquals(Integer.MAX_VALUE, h.storage.lastCall().args().get(2));

        assertEquals(0, h.blocking().rawScan(Kvrpcpb.RawScanRequest.newBuilder().setContext(CONTEXT).build()).getKvsCount(),
                "limit 0 returns nothing");
    }

    @Test
    void rawBatchScanConcatenatesRangesWithEachLimit() {
        h.seed("a1", "1", "a2", "2", "a3", "3", "b1", "4", "b2", "5", "c1", "6");
        Kvrpcpb.RawBatchScanResponse resp = h.blocking().rawBatchScan(Kvrpcpb.RawBatchScanRequest.newBuilder()
                .setContext(CONTEXT).setEachLimit(2).setCf("default")
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")).setEndKey(bs("b")))
                // An empty end key ends at the next range's start...
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("b2")))
                // ...and the last one's at the region's end.
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("c")))
                .build());
        assertEquals(List.of("a1", "a2", "b2", "c1"), keys(resp.getKvsList()));
        List<FakeRawStorage.Call> scans = h.storage.calls().stream().filter(c -> c.method().equals("scan")).toList();
        assertEquals(3, scans.size());
        assertArrayEquals("c".getBytes(), (byte[]) scans.get(1).args().get(1), "empty end becomes the next start");
        assertArrayEquals(new byte[0], (byte[]) scans.get(2).args().get(1));
        assertEquals(2, scans.get(0).args().get(2));
    }

    @Test
    void rawBatchScanReverse() {
        h.seed("a1", "1", "a2", "2", "b1", "3", "b2", "4");
        Kvrpcpb.RawBatchScanResponse resp = h.blocking().rawBatchScan(Kvrpcpb.RawBatchScanRequest.newBuilder()
                .setContext(CONTEXT).setEachLimit(1).setReverse(true).setKeyOnly(true)
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("c")).setEndKey(bs("b")))
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("b")).setEndKey(bs("a")))
                .build());
        assertEquals(List.of("b2", "a2"), keys(resp.getKvsList()));
        assertTrue(resp.getKvsList().stream().allMatch(p -> p.getValue().isEmpty()));
    }

    @Test
    void rawDeleteRangePassesBounds() {
        h.seed("a", "1", "b", "2", "c", "3");
        Kvrpcpb.RawDeleteRangeResponse resp = h.blocking().rawDeleteRange(Kvrpcpb.RawDeleteRangeRequest.newBuilder()
                .setContext(CONTEXT).setStartKey(bs("a")).setEndKey(bs("c")).setCf("default").build());
        assertEquals("", resp.getError());
        assertTrue(h.storage.peek("a").isEmpty());
        assertTrue(h.storage.peek("b").isEmpty());
        assertTrue(h.storage.peek("c").isPresent());
    }

    @Test
    void rawCompareAndSwapReportsWhatWasThere() {
        Kvrpcpb.RawCASResponse created = h.blocking().rawCompareAndSwap(Kvrpcpb.RawCASRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("k")).setValue(bs("v1")).setPreviousNotExist(true).setTtl(9).build());
        assertTrue(created.getSucceed());
        assertTrue(created.getPreviousNotExist());
        assertTrue(created.getPreviousValue().isEmpty());
        assertEquals(9L, h.storage.lastCall().args().get(4));

        Kvrpcpb.RawCASResponse conflict = h.blocking().rawCompareAndSwap(Kvrpcpb.RawCASRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("k")).setValue(bs("v2")).setPreviousValue(bs("other")).build());
        assertFalse(conflict.getSucceed());
        assertFalse(conflict.getPreviousNotExist());
        assertEquals("v1", conflict.getPreviousValue().toStringUtf8());

        Kvrpcpb.RawCASResponse swapped = h.blocking().rawCompareAndSwap(Kvrpcpb.RawCASRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("k")).setValue(bs("v2")).setPreviousValue(bs("v1")).build());
        assertTrue(swapped.getSucceed());
        assertEquals("v1", swapped.getPreviousValue().toStringUtf8());
        assertEquals("v2", new String(h.storage.peek("k").orElseThrow()));
    }

    @Test
    void rawGetKeyTtlAnswersSecondsZeroOrNotFound() {
        h.blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT).setKey(bs("t")).setValue(bs("v"))
                .setTtl(42).build());
        h.seed("plain", "v");
        Kvrpcpb.RawGetKeyTTLResponse withTtl = h.blocking().rawGetKeyTTL(Kvrpcpb.RawGetKeyTTLRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("t")).setCf("default").build());
        assertEquals(42, withTtl.getTtl());
        assertFalse(withTtl.getNotFound());

        Kvrpcpb.RawGetKeyTTLResponse noTtl = h.blocking().rawGetKeyTTL(Kvrpcpb.RawGetKeyTTLRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("plain")).build());
        assertEquals(0, noTtl.getTtl());
        assertFalse(noTtl.getNotFound());

        Kvrpcpb.RawGetKeyTTLResponse absent = h.blocking().rawGetKeyTTL(Kvrpcpb.RawGetKeyTTLRequest.newBuilder()
                .setContext(CONTEXT).setKey(bs("none")).build());
        assertTrue(absent.getNotFound());
    }

    @Test
    void rawChecksumFillsItsThreeFields() {
        h.seed("a", "12", "b", "345");
        Kvrpcpb.RawChecksumResponse resp = h.blocking().rawChecksum(Kvrpcpb.RawChecksumRequest.newBuilder()
                .setContext(CONTEXT).setAlgorithm(Kvrpcpb.ChecksumAlgorithm.Crc64_Xor)
                .addRanges(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("a")).setEndKey(bs("z"))).build());
        assertEquals("", resp.getError());
        assertEquals(2, resp.getTotalKvs());
        assertEquals(7, resp.getTotalBytes());
        // The fake's checksum: an xor over the pairs of a per-pair hash.
        long expected = fakeHash("a", "12") ^ fakeHash("b", "345");
        assertEquals(expected, resp.getChecksum());
        assertEquals(1, ((List<?>) h.storage.lastCall().args().get(0)).size());
    }

    private static long fakeHash(String k, String v) {
        return java.util.Arrays.hashCode(k.getBytes()) * 31L + java.util.Arrays.hashCode(v.getBytes());
    }

    @Test
    void rawChecksumWithUnknownAlgorithmIsRefusedInError() {
        Kvrpcpb.RawChecksumResponse resp = h.blocking().rawChecksum(Kvrpcpb.RawChecksumRequest.newBuilder()
                .setContext(CONTEXT).setAlgorithmValue(3).build());
        assertTrue(resp.getError().contains("checksum algorithm"), resp.getError());
        assertTrue(h.storage.calls().isEmpty(), "the storage is not called");
    }

    @Test
    void valuesPassThroughUnchanged() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        h.blocking().rawPut(Kvrpcpb.RawPutRequest.newBuilder().setContext(CONTEXT).setKey(ByteString.copyFrom(binary))
                .setValue(ByteString.copyFrom(binary)).build());
        Kvrpcpb.RawGetResponse got = h.blocking().rawGet(Kvrpcpb.RawGetRequest.newBuilder().setContext(CONTEXT)
                .setKey(ByteString.copyFrom(binary)).build());
        assertArrayEquals(binary, got.getValue().toByteArray());
    }
}
