package io.kvasir.server;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Kvrpcpb.KvPair;
import io.kvasir.txn.api.RawStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * TiKV's raw commands as functions from a request to the future of its response, shared by the
 * unary RPCs and the BatchCommands stream. Each mirrors {@code future_raw_*} of TiKV's
 * {@code src/server/service/kv.rs}: call the storage, then fill the response from the value or
 * from the {@link Failure}.
 *
 * <p>A returned future completes normally with a response in every case but one: a failure that
 * is not a region error, for a response without an {@code error} field (RawBatchGet, RawScan,
 * RawBatchScan). Such futures complete exceptionally with {@link Failure.CallFailedException};
 * the unary path turns it into a gRPC status and the stream into an error pair. Nothing here
 * blocks: the storage future's completion drives the answer.
 */
@PerformanceCriticalPath
final class RawCommands {
    private final RawStorage storage;
    private final CommandRunner runner;

    RawCommands(RawStorage storage, RequestMetrics metrics) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.runner = new CommandRunner(metrics);
    }

    CompletableFuture<Kvrpcpb.RawGetResponse> rawGet(Kvrpcpb.RawGetRequest req) {
        return run(Command.RAW_GET,
                () -> storage.get(req.getContext(), req.getCf(), bytes(req.getKey())),
                value -> {
                    Kvrpcpb.RawGetResponse.Builder b = Kvrpcpb.RawGetResponse.newBuilder();
                    value.ifPresentOrElse(v -> b.setValue(ByteString.copyFrom(v)), () -> b.setNotFound(true));
                    return b.build();
                },
                f -> f.regionError().map(e -> Kvrpcpb.RawGetResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawGetResponse.newBuilder().setError(f.message())).build());
    }

    /** {@code pairs} holds the keys that exist; a failure other than a region error has no field here. */
    CompletableFuture<Kvrpcpb.RawBatchGetResponse> rawBatchGet(Kvrpcpb.RawBatchGetRequest req) {
        return run(Command.RAW_BATCH_GET,
                () -> storage.batchGet(req.getContext(), req.getCf(), byteArrays(req.getKeysList())),
                pairs -> Kvrpcpb.RawBatchGetResponse.newBuilder().addAllPairs(pairs).build(),
                f -> regionErrorOrThrow(f, e -> Kvrpcpb.RawBatchGetResponse.newBuilder().setRegionError(e).build()));
    }

    CompletableFuture<Kvrpcpb.RawPutResponse> rawPut(Kvrpcpb.RawPutRequest req) {
        // for_cas asks TiKV for its atomic write path; RawStorage has only one, which CAS is serialised with.
        return run(Command.RAW_PUT,
                () -> storage.put(req.getContext(), req.getCf(), bytes(req.getKey()), bytes(req.getValue()), req.getTtl()),
                ok -> Kvrpcpb.RawPutResponse.getDefaultInstance(),
                f -> f.regionError().map(e -> Kvrpcpb.RawPutResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawPutResponse.newBuilder().setError(f.message())).build());
    }

    CompletableFuture<Kvrpcpb.RawBatchPutResponse> rawBatchPut(Kvrpcpb.RawBatchPutRequest req) {
        return run(Command.RAW_BATCH_PUT,
                () -> storage.batchPut(req.getContext(), req.getCf(), req.getPairsList(), ttlsOf(req)),
                ok -> Kvrpcpb.RawBatchPutResponse.getDefaultInstance(),
                f -> f.regionError().map(e -> Kvrpcpb.RawBatchPutResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawBatchPutResponse.newBuilder().setError(f.message())).build());
    }

    CompletableFuture<Kvrpcpb.RawDeleteResponse> rawDelete(Kvrpcpb.RawDeleteRequest req) {
        return run(Command.RAW_DELETE,
                () -> storage.delete(req.getContext(), req.getCf(), bytes(req.getKey())),
                ok -> Kvrpcpb.RawDeleteResponse.getDefaultInstance(),
                f -> f.regionError().map(e -> Kvrpcpb.RawDeleteResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawDeleteResponse.newBuilder().setError(f.message())).build());
    }

    CompletableFuture<Kvrpcpb.RawBatchDeleteResponse> rawBatchDelete(Kvrpcpb.RawBatchDeleteRequest req) {
        return run(Command.RAW_BATCH_DELETE,
                () -> storage.batchDelete(req.getContext(), req.getCf(), byteArrays(req.getKeysList())),
                ok -> Kvrpcpb.RawBatchDeleteResponse.getDefaultInstance(),
                f -> f.regionError().map(e -> Kvrpcpb.RawBatchDeleteResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawBatchDeleteResponse.newBuilder().setError(f.message())).build());
    }

    CompletableFuture<Kvrpcpb.RawScanResponse> rawScan(Kvrpcpb.RawScanRequest req) {
        return run(Command.RAW_SCAN,
                () -> storage.scan(req.getContext(), req.getCf(), bytes(req.getStartKey()), bytes(req.getEndKey()),
                        limitOf(req.getLimit()), req.getKeyOnly(), req.getReverse()),
                kvs -> Kvrpcpb.RawScanResponse.newBuilder().addAllKvs(kvs).build(),
                f -> regionErrorOrThrow(f, e -> Kvrpcpb.RawScanResponse.newBuilder().setRegionError(e).build()));
    }

    /**
     * One scan of up to {@code each_limit} pairs per range, concatenated in the order of the
     * ranges. As TiKV's {@code raw_batch_scan}: a range with an empty end key ends where the next
     * range starts (the last one at the region's end), and the ranges must be ordered in the scan
     * direction, else the request is refused as invalid.
     */
    CompletableFuture<Kvrpcpb.RawBatchScanResponse> rawBatchScan(Kvrpcpb.RawBatchScanRequest req) {
        return run(Command.RAW_BATCH_SCAN,
                () -> scanRanges(req),
                kvs -> Kvrpcpb.RawBatchScanResponse.newBuilder().addAllKvs(kvs).build(),
                f -> regionErrorOrThrow(f, e -> Kvrpcpb.RawBatchScanResponse.newBuilder().setRegionError(e).build()));
    }

    CompletableFuture<Kvrpcpb.RawDeleteRangeResponse> rawDeleteRange(Kvrpcpb.RawDeleteRangeRequest req) {
        return run(Command.RAW_DELETE_RANGE,
                () -> storage.deleteRange(req.getContext(), req.getCf(), bytes(req.getStartKey()), bytes(req.getEndKey())),
                ok -> Kvrpcpb.RawDeleteRangeResponse.getDefaultInstance(),
                f -> f.regionError().map(e -> Kvrpcpb.RawDeleteRangeResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawDeleteRangeResponse.newBuilder().setError(f.message())).build());
    }

    /**
     * As TiKV: {@code previous_value} is set when the key held a value and {@code previous_not_exist}
     * when it did not, whether or not the swap happened; {@code succeed} says whether it did.
     */
    CompletableFuture<Kvrpcpb.RawCASResponse> rawCompareAndSwap(Kvrpcpb.RawCASRequest req) {
        return run(Command.RAW_COMPARE_AND_SWAP,
                () -> storage.compareAndSwap(req.getContext(), req.getCf(), bytes(req.getKey()), req.getPreviousNotExist(),
                        bytes(req.getPreviousValue()), bytes(req.getValue()), req.getTtl()),
                cas -> {
                    Kvrpcpb.RawCASResponse.Builder b = Kvrpcpb.RawCASResponse.newBuilder().setSucceed(cas.succeeded());
                    cas.previousValue().ifPresentOrElse(v -> b.setPreviousValue(ByteString.copyFrom(v)),
                            () -> b.setPreviousNotExist(true));
                    return b.build();
                },
                f -> f.regionError().map(e -> Kvrpcpb.RawCASResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawCASResponse.newBuilder().setError(f.message())).build());
    }

    CompletableFuture<Kvrpcpb.RawGetKeyTTLResponse> rawGetKeyTtl(Kvrpcpb.RawGetKeyTTLRequest req) {
        return run(Command.RAW_GET_KEY_TTL,
                () -> storage.getKeyTtl(req.getContext(), req.getCf(), bytes(req.getKey())),
                ttl -> {
                    Kvrpcpb.RawGetKeyTTLResponse.Builder b = Kvrpcpb.RawGetKeyTTLResponse.newBuilder();
                    ttl.ifPresentOrElse(b::setTtl, () -> b.setNotFound(true));
                    return b.build();
                },
                f -> f.regionError().map(e -> Kvrpcpb.RawGetKeyTTLResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawGetKeyTTLResponse.newBuilder().setError(f.message())).build());
    }

    /** Only {@code Crc64_Xor} exists; an algorithm this build does not know is refused as TiKV does. */
    CompletableFuture<Kvrpcpb.RawChecksumResponse> rawChecksum(Kvrpcpb.RawChecksumRequest req) {
        return run(Command.RAW_CHECKSUM,
                () -> {
                    if (req.getAlgorithmValue() != Kvrpcpb.ChecksumAlgorithm.Crc64_Xor_VALUE) {
                        throw Failure.invalidArgument("unknown checksum algorithm " + req.getAlgorithmValue()
                                + ": only Crc64_Xor (0) is supported").asException();
                    }
                    return storage.checksum(req.getContext(), req.getRangesList());
                },
                sum -> Kvrpcpb.RawChecksumResponse.newBuilder()
                        .setChecksum(sum.crc64Xor()).setTotalKvs(sum.totalKvs()).setTotalBytes(sum.totalBytes()).build(),
                f -> f.regionError().map(e -> Kvrpcpb.RawChecksumResponse.newBuilder().setRegionError(e))
                        .orElseGet(() -> Kvrpcpb.RawChecksumResponse.newBuilder().setError(f.message())).build());
    }

    /**
     * SplitRegion of raw data ({@code is_raw_kv}): the keys of {@code split_keys}, or the
     * deprecated {@code split_key}, cut as they are. {@link TikvService} sends transactional
     * splits to {@link TxnCommands} instead; one that arrives here anyway is refused rather than
     * cut at an unencoded key.
     */
    CompletableFuture<Kvrpcpb.SplitRegionResponse> splitRegion(Kvrpcpb.SplitRegionRequest req) {
        return run(Command.SPLIT_REGION,
                () -> {
                    if (!req.getIsRawKv()) {
                        throw Failure.invalidArgument("SplitRegion: a transactional split (is_raw_kv = false) reached the raw path").asException();
                    }
                    List<byte[]> keys = new ArrayList<>();
                    req.getSplitKeysList().forEach(k -> keys.add(k.toByteArray()));
                    if (keys.isEmpty() && !req.getSplitKey().isEmpty()) {
                        keys.add(req.getSplitKey().toByteArray());
                    }
                    if (keys.isEmpty()) {
                        throw Failure.invalidArgument("SplitRegion: no split keys").asException();
                    }
                    return storage.splitRegion(req.getContext(), keys);
                },
                regions -> {
                    Kvrpcpb.SplitRegionResponse.Builder r = Kvrpcpb.SplitRegionResponse.newBuilder().addAllRegions(regions);
                    if (regions.size() == 2) {
                        r.setLeft(regions.get(0)).setRight(regions.get(1));
                    }
                    return r.build();
                },
                f -> regionErrorOrThrow(f, e -> Kvrpcpb.SplitRegionResponse.newBuilder().setRegionError(e).build()));
    }

    private <T, R> CompletableFuture<R> run(Command command, Supplier<CompletableFuture<T>> call,
                                            Function<T, R> onValue, Function<Failure, R> onFailure) {
        return runner.run(command, call, onValue, onFailure);
    }

    private static <R> R regionErrorOrThrow(Failure f, Function<Errorpb.Error, R> withRegionError) {
        return f.regionError().map(withRegionError).orElseThrow(f::asException);
    }

    private CompletableFuture<List<KvPair>> scanRanges(Kvrpcpb.RawBatchScanRequest req) {
        List<byte[][]> ranges = batchScanRanges(req.getRangesList(), req.getReverse());
        int limit = limitOf(req.getEachLimit());
        List<CompletableFuture<List<KvPair>>> parts = new ArrayList<>(ranges.size());
        for (byte[][] range : ranges) {
            parts.add(Objects.requireNonNull(
                    storage.scan(req.getContext(), req.getCf(), range[0], range[1], limit, req.getKeyOnly(), req.getReverse()),
                    "the storage layer returned no future"));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).handle((done, error) -> {
            List<KvPair> all = new ArrayList<>();
            for (CompletableFuture<List<KvPair>> part : parts) {
                // All are complete; join() rethrows the failure of the first failed range in range order.
                all.addAll(part.join());
            }
            return all;
        });
    }

    /**
     * The {@code [start, end]} bounds to scan for each range, TiKV's {@code check_key_ranges}:
     * an empty end key of a range that is not the last becomes the next range's start key, and
     * every non-empty end must lie after its start in the scan direction (below it when reverse).
     */
    static List<byte[][]> batchScanRanges(List<Kvrpcpb.KeyRange> ranges, boolean reverse) {
        List<byte[][]> out = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            byte[] start = bytes(ranges.get(i).getStartKey());
            byte[] end = bytes(ranges.get(i).getEndKey());
            if (end.length == 0 && i + 1 < ranges.size()) {
                end = bytes(ranges.get(i + 1).getStartKey());
            }
            if (end.length > 0) {
                int cmp = Arrays.compareUnsigned(start, end);
                if (reverse ? cmp <= 0 : cmp >= 0) {
                    throw Failure.invalidArgument("Invalid KeyRanges: range " + i + " is empty or out of order for a "
                            + (reverse ? "reverse" : "forward") + " scan").asException();
                }
            }
            out.add(new byte[][] {start, end});
        }
        return out;
    }

    /**
     * The TTLs to apply, TiKV's rule: none, one for every pair, or one per pair. The deprecated
     * single {@code ttl} field counts as a one-element {@code ttls} when {@code ttls} is empty
     * (clients older than the {@code ttls} field send only it).
     */
    @SuppressWarnings("deprecation")
    static List<Long> ttlsOf(Kvrpcpb.RawBatchPutRequest req) {
        List<Long> ttls = req.getTtlsList();
        if (ttls.isEmpty()) {
            return req.getTtl() == 0 ? List.of() : List.of(req.getTtl());
        }
        if (ttls.size() != 1 && ttls.size() != req.getPairsCount()) {
            throw Failure.invalidArgument("the length of ttls (" + ttls.size() + ") does not equal the number of pairs ("
                    + req.getPairsCount() + "): give no ttl, one for all pairs, or one per pair").asException();
        }
        return ttls;
    }

    /**
     * {@code limit} is a uint32 on the wire; Java reads values from 2^31 up as negative. TiKV puts
     * no cap on a raw scan's limit (the region bounds it), so they mean "as many as there are".
     */
    static int limitOf(int wireLimit) {
        return wireLimit < 0 ? Integer.MAX_VALUE : wireLimit;
    }

    private static byte[] bytes(ByteString b) {
        return b.toByteArray();
    }

    private static List<byte[]> byteArrays(List<ByteString> keys) {
        List<byte[]> out = new ArrayList<>(keys.size());
        for (ByteString k : keys) {
            out.add(k.toByteArray());
        }
        return out;
    }
}
