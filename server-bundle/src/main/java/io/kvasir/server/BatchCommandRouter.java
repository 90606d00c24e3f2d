package io.kvasir.server;

import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Tikvpb.BatchCommandsEmptyRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsEmptyResponse;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one entry of a {@code BatchCommandsRequest} through the same {@link RawCommands} and
 * {@link TxnCommands} as the unary RPCs, wrapped in the matching
 * {@code BatchCommandsResponse.Response} case. Transactional answers need no extra care: every
 * one of their responses has a key error field, so their futures never fail.
 *
 * <p>Differences from the unary path, all TiKV's ({@code handle_batch_commands_request} in
 * {@code src/server/service/kv.rs}):
 * <ul>
 *   <li>there is no per-command gRPC status, so a failure of RawBatchGet, RawScan or RawBatchScan
 *       that is not a region error comes back as one pair whose {@code error.abort} is the
 *       message ({@code extract_kv_pairs});</li>
 *   <li>an entry whose {@code cmd} is unset (or a case this build of kvproto does not know)
 *       is answered with an empty {@code Response}, as TiKV answers invalid entries; client-go
 *       reports that to its caller as an unknown command response. Cases we know but do not
 *       serve yet (pessimistic locks, CheckSecondaryLocks, coprocessor, import, GC) get the same
 *       answer rather than failing the whole stream, which would fail every other request on it;</li>
 *   <li>{@code Empty} is the stream's health probe: it answers {@code test_id}, after
 *       {@code delay_time} ms when that is 10 or more.</li>
 * </ul>
 * RawGetKeyTTL, RawCompareAndSwap and RawChecksum have no case in the oneof: unary only.
 */
@PerformanceCriticalPath
final class BatchCommandRouter {
    private static final Logger LOG = LoggerFactory.getLogger(BatchCommandRouter.class);

    /** TiKV waits only for delays of at least this many milliseconds ({@code future_handle_empty}). */
    static final long MIN_EMPTY_DELAY_MS = 10;

    private final RawCommands commands;
    private final TxnCommands txn;
    private final RequestMetrics metrics;

    BatchCommandRouter(RawCommands commands, TxnCommands txn, RequestMetrics metrics) {
        this.commands = commands;
        this.txn = txn;
        this.metrics = metrics;
    }

    /** The answer to one entry. The future never fails: every failure is inside the response. */
    CompletableFuture<BatchCommandsResponse.Response> route(BatchCommandsRequest.Request req) {
        BatchCommandsResponse.Response.Builder out = BatchCommandsResponse.Response.newBuilder();
        CompletableFuture<BatchCommandsResponse.Response> answer = switch (req.getCmdCase()) {
            case RAWGET -> commands.rawGet(req.getRawGet()).thenApply(r -> out.setRawGet(r).build());
            case RAWBATCHGET -> recover(commands.rawBatchGet(req.getRawBatchGet()), Command.RAW_BATCH_GET,
                    f -> Kvrpcpb.RawBatchGetResponse.newBuilder().addPairs(f.asErrorPair()).build())
                    .thenApply(r -> out.setRawBatchGet(r).build());
            case RAWPUT -> commands.rawPut(req.getRawPut()).thenApply(r -> out.setRawPut(r).build());
            case RAWBATCHPUT -> commands.rawBatchPut(req.getRawBatchPut()).thenApply(r -> out.setRawBatchPut(r).build());
            case RAWDELETE -> commands.rawDelete(req.getRawDelete()).thenApply(r -> out.setRawDelete(r).build());
            case RAWBATCHDELETE -> commands.rawBatchDelete(req.getRawBatchDelete())
                    .thenApply(r -> out.setRawBatchDelete(r).build());
            case RAWSCAN -> recover(commands.rawScan(req.getRawScan()), Command.RAW_SCAN,
                    f -> Kvrpcpb.RawScanResponse.newBuilder().addKvs(f.asErrorPair()).build())
                    .thenApply(r -> out.setRawScan(r).build());
            case RAWBATCHSCAN -> recover(commands.rawBatchScan(req.getRawBatchScan()), Command.RAW_BATCH_SCAN,
                    f -> Kvrpcpb.RawBatchScanResponse.newBuilder().addKvs(f.asErrorPair()).build())
                    .thenApply(r -> out.setRawBatchScan(r).build());
            case RAWDELETERANGE -> commands.rawDeleteRange(req.getRawDeleteRange())
                    .thenApply(r -> out.setRawDeleteRange(r).build());
            case GET -> txn.kvGet(req.getGet()).thenApply(r -> out.setGet(r).build());
            case BATCHGET -> txn.kvBatchGet(req.getBatchGet()).thenApply(r -> out.setBatchGet(r).build());
            case SCAN -> txn.kvScan(req.getScan()).thenApply(r -> out.setScan(r).build());
            case PREWRITE -> txn.kvPrewrite(req.getPrewrite()).thenApply(r -> out.setPrewrite(r).build());
            case COMMIT -> txn.kvCommit(req.getCommit()).thenApply(r -> out.setCommit(r).build());
            case CLEANUP -> txn.kvCleanup(req.getCleanup()).thenApply(r -> out.setCleanup(r).build());
            case BATCHROLLBACK -> txn.kvBatchRollback(req.getBatchRollback())
                    .thenApply(r -> out.setBatchRollback(r).build());
            case CHECKTXNSTATUS -> txn.kvCheckTxnStatus(req.getCheckTxnStatus())
                    .thenApply(r -> out.setCheckTxnStatus(r).build());
            case TXNHEARTBEAT -> txn.kvTxnHeartBeat(req.getTxnHeartBeat()).thenApply(r -> out.setTxnHeartBeat(r).build());
            case RESOLVELOCK -> txn.kvResolveLock(req.getResolveLock()).thenApply(r -> out.setResolveLock(r).build());
            case SCANLOCK -> txn.kvScanLock(req.getScanLock()).thenApply(r -> out.setScanLock(r).build());
            case CHECKSECONDARYLOCKS -> txn.kvCheckSecondaryLocks(req.getCheckSecondaryLocks())
                    .thenApply(r -> out.setCheckSecondaryLocks(r).build());
            case DELETERANGE -> txn.kvDeleteRange(req.getDeleteRange()).thenApply(r -> out.setDeleteRange(r).build());
            case GC -> txn.kvGc(req.getGC()).thenApply(r -> out.setGC(r).build());
            case PESSIMISTICLOCK -> txn.kvPessimisticLock(req.getPessimisticLock())
                    .thenApply(r -> out.setPessimisticLock(r).build());
            case PESSIMISTICROLLBACK -> txn.kvPessimisticRollback(req.getPessimisticRollback())
                    .thenApply(r -> out.setPessimisticRollback(r).build());
            case EMPTY -> empty(req.getEmpty()).thenApply(r -> out.setEmpty(r).build());
            default -> unsupported(req.getCmdCase());
        };
        return answer.exceptionally(this::lastResort);
    }

    private static <R> CompletableFuture<R> recover(CompletableFuture<R> answer, Command command, Function<Failure, R> asPair) {
        return answer.exceptionally(e -> asPair.apply(Failure.of(command, e)));
    }

    private CompletableFuture<BatchCommandsEmptyResponse> empty(BatchCommandsEmptyRequest req) {
        long start = metrics.start();
        BatchCommandsEmptyResponse resp = BatchCommandsEmptyResponse.newBuilder().setTestId(req.getTestId()).build();
        CompletableFuture<BatchCommandsEmptyResponse> answer;
        if (req.getDelayTime() >= MIN_EMPTY_DELAY_MS) {
            // A test knob of the protocol; the shared delayed executor holds a timer, no thread.
            answer = CompletableFuture.supplyAsync(() -> resp,
                    CompletableFuture.delayedExecutor(req.getDelayTime(), TimeUnit.MILLISECONDS));
        } else {
            answer = CompletableFuture.completedFuture(resp);
        }
        return answer.whenComplete((r, e) -> metrics.record(Command.BATCH_EMPTY, RequestMetrics.Outcome.OK, start));
    }

    private CompletableFuture<BatchCommandsResponse.Response> unsupported(BatchCommandsRequest.Request.CmdCase cmd) {
        metrics.record(Command.UNSUPPORTED, RequestMetrics.Outcome.ERROR, metrics.start());
        LOG.debug("BatchCommands entry {} is not served by this store; answered with an empty response", cmd);
        return CompletableFuture.completedFuture(BatchCommandsResponse.Response.getDefaultInstance());
    }

    /** Reached only through a bug in this facade; the entry still gets TiKV's answer to an invalid entry. */
    private BatchCommandsResponse.Response lastResort(Throwable e) {
        LOG.error("BatchCommands entry failed unexpectedly; answered with an empty response", e);
        return BatchCommandsResponse.Response.getDefaultInstance();
    }
}
