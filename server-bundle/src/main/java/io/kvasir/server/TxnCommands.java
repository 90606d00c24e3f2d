package io.kvasir.server;

import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.api.TxnStorage;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * TiKV's transactional commands as functions from a request to the future of its response,
 * shared by the unary RPCs and the BatchCommands stream, like {@link RawCommands}. The storage
 * ({@link TxnStorage}) already answers the whole response, key errors included; this class only
 * fills in what went wrong around it, as TiKV's {@code src/server/service/kv.rs} does:
 * <ul>
 *   <li>a region error: the response with only {@code region_error};</li>
 *   <li>any other failure: the response with only its key error, {@code abort} = the message
 *       ({@link Failure#asKeyError()}; Prewrite's is the one element of {@code errors}, TiKV's
 *       {@code extract_key_errors}). That covers requests the store refuses
 *       ({@code TxnStorageException}) and unexpected faults ({@code "internal error: ..."}).</li>
 * </ul>
 * Every response here has a key error field but SplitRegion's, so every future completes
 * normally but a failed SplitRegion's, which fails with {@link Failure.CallFailedException}
 * (a gRPC status on the unary path).
 *
 * <p>Note on BatchGet and Scan: their top-level {@code error} is where TiKV puts such a failure,
 * and so does this class; tikv-client-java 3.3.5 ignores it on BatchGet and logs it on Scan
 * (CLIENT-NEEDS section 7), so a store that wants a client to see a per-key problem answers it
 * in {@code pairs[].error}, which the storage does.
 */
@PerformanceCriticalPath
final class TxnCommands {
    private final TxnStorage storage;
    private final CommandRunner runner;

    TxnCommands(TxnStorage storage, RequestMetrics metrics) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.runner = new CommandRunner(metrics);
    }

    CompletableFuture<Kvrpcpb.GetResponse> kvGet(Kvrpcpb.GetRequest req) {
        return run(Command.KV_GET, () -> storage.get(req),
                e -> Kvrpcpb.GetResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.GetResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.BatchGetResponse> kvBatchGet(Kvrpcpb.BatchGetRequest req) {
        return run(Command.KV_BATCH_GET, () -> storage.batchGet(req),
                e -> Kvrpcpb.BatchGetResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.BatchGetResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.ScanResponse> kvScan(Kvrpcpb.ScanRequest req) {
        return run(Command.KV_SCAN, () -> storage.scan(req),
                e -> Kvrpcpb.ScanResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.ScanResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.PrewriteResponse> kvPrewrite(Kvrpcpb.PrewriteRequest req) {
        return run(Command.KV_PREWRITE, () -> storage.prewrite(req),
                e -> Kvrpcpb.PrewriteResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.PrewriteResponse.newBuilder().addErrors(k).build());
    }

    CompletableFuture<Kvrpcpb.CommitResponse> kvCommit(Kvrpcpb.CommitRequest req) {
        return run(Command.KV_COMMIT, () -> storage.commit(req),
                e -> Kvrpcpb.CommitResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.CommitResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.CleanupResponse> kvCleanup(Kvrpcpb.CleanupRequest req) {
        return run(Command.KV_CLEANUP, () -> storage.cleanup(req),
                e -> Kvrpcpb.CleanupResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.CleanupResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.BatchRollbackResponse> kvBatchRollback(Kvrpcpb.BatchRollbackRequest req) {
        return run(Command.KV_BATCH_ROLLBACK, () -> storage.batchRollback(req),
                e -> Kvrpcpb.BatchRollbackResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.BatchRollbackResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.CheckTxnStatusResponse> kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest req) {
        return run(Command.KV_CHECK_TXN_STATUS, () -> storage.checkTxnStatus(req),
                e -> Kvrpcpb.CheckTxnStatusResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.CheckTxnStatusResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.TxnHeartBeatResponse> kvTxnHeartBeat(Kvrpcpb.TxnHeartBeatRequest req) {
        return run(Command.KV_TXN_HEART_BEAT, () -> storage.txnHeartBeat(req),
                e -> Kvrpcpb.TxnHeartBeatResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.TxnHeartBeatResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.ResolveLockResponse> kvResolveLock(Kvrpcpb.ResolveLockRequest req) {
        return run(Command.KV_RESOLVE_LOCK, () -> storage.resolveLock(req),
                e -> Kvrpcpb.ResolveLockResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.ResolveLockResponse.newBuilder().setError(k).build());
    }

    CompletableFuture<Kvrpcpb.PessimisticLockResponse> kvPessimisticLock(Kvrpcpb.PessimisticLockRequest req) {
        return run(Command.KV_PESSIMISTIC_LOCK, () -> storage.pessimisticLock(req),
                e -> Kvrpcpb.PessimisticLockResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.PessimisticLockResponse.newBuilder().addErrors(k).build());
    }

    CompletableFuture<Kvrpcpb.PessimisticRollbackResponse> kvPessimisticRollback(Kvrpcpb.PessimisticRollbackRequest req) {
        return run(Command.KV_PESSIMISTIC_ROLLBACK, () -> storage.pessimisticRollback(req),
                e -> Kvrpcpb.PessimisticRollbackResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.PessimisticRollbackResponse.newBuilder().addErrors(k).build());
    }

    CompletableFuture<Kvrpcpb.CheckSecondaryLocksResponse> kvCheckSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest req) {
        return run(Command.KV_CHECK_SECONDARY_LOCKS, () -> storage.checkSecondaryLocks(req),
                e -> Kvrpcpb.CheckSecondaryLocksResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.CheckSecondaryLocksResponse.newBuilder().setError(k).build());
    }

    /** DeleteRange's error is a string: the key error's text. */
    CompletableFuture<Kvrpcpb.DeleteRangeResponse> kvDeleteRange(Kvrpcpb.DeleteRangeRequest req) {
        return run(Command.KV_DELETE_RANGE, () -> storage.deleteRange(req),
                e -> Kvrpcpb.DeleteRangeResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.DeleteRangeResponse.newBuilder().setError(k.getAbort()).build());
    }

    CompletableFuture<Kvrpcpb.GCResponse> kvGc(Kvrpcpb.GCRequest req) {
        return run(Command.KV_GC, () -> storage.gc(req),
                e -> Kvrpcpb.GCResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.GCResponse.newBuilder().setError(k).build());
    }

    /** MvccGetByStartTs's error is a string too. */
    CompletableFuture<Kvrpcpb.MvccGetByStartTsResponse> mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest req) {
        return run(Command.MVCC_GET_BY_START_TS, () -> storage.mvccGetByStartTs(req),
                e -> Kvrpcpb.MvccGetByStartTsResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.MvccGetByStartTsResponse.newBuilder().setError(k.getAbort()).build());
    }

    /** MvccGetByKey's error is a string: the key error's text. */
    CompletableFuture<Kvrpcpb.MvccGetByKeyResponse> mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest req) {
        return run(Command.MVCC_GET_BY_KEY, () -> storage.mvccGetByKey(req),
                e -> Kvrpcpb.MvccGetByKeyResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.MvccGetByKeyResponse.newBuilder().setError(k.getAbort()).build());
    }

    CompletableFuture<Kvrpcpb.ScanLockResponse> kvScanLock(Kvrpcpb.ScanLockRequest req) {
        return run(Command.KV_SCAN_LOCK, () -> storage.scanLock(req),
                e -> Kvrpcpb.ScanLockResponse.newBuilder().setRegionError(e).build(),
                k -> Kvrpcpb.ScanLockResponse.newBuilder().setError(k).build());
    }

    /**
     * SplitRegion of transactional data ({@code is_raw_kv = false}): the storage encodes the user
     * keys before cutting. A request with no key at all is refused here, as on the raw path. The
     * deprecated {@code left}/{@code right} are filled when there are exactly two pieces, as TiKV
     * does for old clients.
     */
    CompletableFuture<Kvrpcpb.SplitRegionResponse> splitRegion(Kvrpcpb.SplitRegionRequest req) {
        return runner.run(Command.SPLIT_REGION,
                () -> {
                    if (req.getSplitKeysCount() == 0 && req.getSplitKey().isEmpty()) {
                        throw Failure.invalidArgument("SplitRegion: no split keys").asException();
                    }
                    return storage.splitRegion(req);
                },
                resp -> {
                    Kvrpcpb.SplitRegionResponse r = present(resp);
                    return r.getRegionsCount() == 2 && !r.hasLeft() && !r.hasRight()
                            ? r.toBuilder().setLeft(r.getRegions(0)).setRight(r.getRegions(1)).build()
                            : r;
                },
                f -> f.regionError().map(e -> Kvrpcpb.SplitRegionResponse.newBuilder().setRegionError(e).build())
                        .orElseThrow(f::asException));
    }

    /** A command whose response has a key error field: every outcome is a response. */
    private <R> CompletableFuture<R> run(Command command, Supplier<CompletableFuture<R>> call,
                                         Function<Errorpb.Error, R> withRegionError,
                                         Function<Kvrpcpb.KeyError, R> withKeyError) {
        return runner.run(command, call, TxnCommands::present,
                f -> f.regionError().map(withRegionError).orElseGet(() -> withKeyError.apply(f.asKeyError())));
    }

    /** A future completed with null is a storage bug; answered as an internal error, not sent as null. */
    private static <R> R present(R response) {
        return Objects.requireNonNull(response, "the storage layer completed with no response");
    }
}
