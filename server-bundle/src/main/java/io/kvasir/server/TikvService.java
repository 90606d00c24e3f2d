package io.kvasir.server;

import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@code tikvpb.Tikv} service: the twelve raw RPCs ({@link RawCommands}), the eleven
 * transactional ones of an optimistic Percolator client ({@link TxnCommands}), SplitRegion, and the
 * {@code BatchCommands} stream for clients, and the {@code Raft}, {@code BatchRaft} and {@code Snapshot} streams other
 * stores replicate over ({@link RaftMessageStream}, {@link SnapshotStream}), which go to the
 * store's {@link RaftMessageReceiver} and answer UNAVAILABLE while there is none. Every other
 * method keeps {@link TikvGrpc.TikvImplBase}'s answer, {@code UNIMPLEMENTED} (final for clients:
 * they fail at once rather than retry).
 *
 * <p>Every handler returns at once: it starts the storage call and answers from the completion
 * of its future ({@code whenComplete}), never by waiting on it. A call is always answered:
 * region errors in {@code region_error}, storage refusals in {@code error} (a raw response's
 * string, a transactional response's {@code KeyError}; a status where the response has no such
 * field), and anything unexpected as {@code "internal error: ..."}; see
 * {@link Failure}.
 *
 * <h2>Forwarded requests</h2>
 * Calls carrying {@code tikv-forwarded-host} never reach this class: {@link ServerActivator}
 * serves it behind {@link RequestForwarding}, which proxies them to the store the header names.
 */
@PerformanceCriticalPath
public final class TikvService extends TikvGrpc.TikvImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(TikvService.class);

    private final RawCommands commands;
    private final TxnCommands txn;
    private final BatchCommandRouter router;
    private final RequestMetrics metrics;
    private final Supplier<RaftMessageReceiver> raftReceiver;

    /** A service without Raft traffic: the Raft RPCs answer UNAVAILABLE. */
    TikvService(RawStorage storage, TxnStorage txnStorage, RequestMetrics metrics) {
        this(storage, txnStorage, metrics, () -> null);
    }

    /** @param raftReceiver the store's receiver of Raft traffic, or null while there is none */
    TikvService(RawStorage storage, TxnStorage txnStorage, RequestMetrics metrics,
                Supplier<RaftMessageReceiver> raftReceiver) {
        this.metrics = metrics;
        this.commands = new RawCommands(storage, metrics);
        this.txn = new TxnCommands(txnStorage, metrics);
        this.router = new BatchCommandRouter(commands, txn, metrics);
        this.raftReceiver = raftReceiver;
    }

    /** The receiver the Raft RPCs deliver to now, or null (tests). */
    RaftMessageReceiver raftReceiver() {
        return raftReceiver.get();
    }

    RequestMetrics metrics() {
        return metrics;
    }

    @Override
    public void rawGet(Kvrpcpb.RawGetRequest request, StreamObserver<Kvrpcpb.RawGetResponse> responses) {
        reply(Command.RAW_GET, () -> commands.rawGet(request), responses);
    }

    @Override
    public void rawBatchGet(Kvrpcpb.RawBatchGetRequest request, StreamObserver<Kvrpcpb.RawBatchGetResponse> responses) {
        reply(Command.RAW_BATCH_GET, () -> commands.rawBatchGet(request), responses);
    }

    @Override
    public void rawPut(Kvrpcpb.RawPutRequest request, StreamObserver<Kvrpcpb.RawPutResponse> responses) {
        reply(Command.RAW_PUT, () -> commands.rawPut(request), responses);
    }

    @Override
    public void rawBatchPut(Kvrpcpb.RawBatchPutRequest request, StreamObserver<Kvrpcpb.RawBatchPutResponse> responses) {
        reply(Command.RAW_BATCH_PUT, () -> commands.rawBatchPut(request), responses);
    }

    @Override
    public void rawDelete(Kvrpcpb.RawDeleteRequest request, StreamObserver<Kvrpcpb.RawDeleteResponse> responses) {
        reply(Command.RAW_DELETE, () -> commands.rawDelete(request), responses);
    }

    @Override
    public void rawBatchDelete(Kvrpcpb.RawBatchDeleteRequest request,
                               StreamObserver<Kvrpcpb.RawBatchDeleteResponse> responses) {
        reply(Command.RAW_BATCH_DELETE, () -> commands.rawBatchDelete(request), responses);
    }

    @Override
    public void rawScan(Kvrpcpb.RawScanRequest request, StreamObserver<Kvrpcpb.RawScanResponse> responses) {
        reply(Command.RAW_SCAN, () -> commands.rawScan(request), responses);
    }

    @Override
    public void rawBatchScan(Kvrpcpb.RawBatchScanRequest request, StreamObserver<Kvrpcpb.RawBatchScanResponse> responses) {
        reply(Command.RAW_BATCH_SCAN, () -> commands.rawBatchScan(request), responses);
    }

    @Override
    public void rawDeleteRange(Kvrpcpb.RawDeleteRangeRequest request,
                               StreamObserver<Kvrpcpb.RawDeleteRangeResponse> responses) {
        reply(Command.RAW_DELETE_RANGE, () -> commands.rawDeleteRange(request), responses);
    }

    @Override
    public void rawCompareAndSwap(Kvrpcpb.RawCASRequest request, StreamObserver<Kvrpcpb.RawCASResponse> responses) {
        reply(Command.RAW_COMPARE_AND_SWAP, () -> commands.rawCompareAndSwap(request), responses);
    }

    @Override
    public void rawGetKeyTTL(Kvrpcpb.RawGetKeyTTLRequest request, StreamObserver<Kvrpcpb.RawGetKeyTTLResponse> responses) {
        reply(Command.RAW_GET_KEY_TTL, () -> commands.rawGetKeyTtl(request), responses);
    }

    @Override
    public void rawChecksum(Kvrpcpb.RawChecksumRequest request, StreamObserver<Kvrpcpb.RawChecksumResponse> responses) {
        reply(Command.RAW_CHECKSUM, () -> commands.rawChecksum(request), responses);
    }

    @Override
    public void kvGet(Kvrpcpb.GetRequest request, StreamObserver<Kvrpcpb.GetResponse> responses) {
        reply(Command.KV_GET, () -> txn.kvGet(request), responses);
    }

    @Override
    public void kvBatchGet(Kvrpcpb.BatchGetRequest request, StreamObserver<Kvrpcpb.BatchGetResponse> responses) {
        reply(Command.KV_BATCH_GET, () -> txn.kvBatchGet(request), responses);
    }

    @Override
    public void kvScan(Kvrpcpb.ScanRequest request, StreamObserver<Kvrpcpb.ScanResponse> responses) {
        reply(Command.KV_SCAN, () -> txn.kvScan(request), responses);
    }

    @Override
    public void kvPrewrite(Kvrpcpb.PrewriteRequest request, StreamObserver<Kvrpcpb.PrewriteResponse> responses) {
        reply(Command.KV_PREWRITE, () -> txn.kvPrewrite(request), responses);
    }

    @Override
    public void kvCommit(Kvrpcpb.CommitRequest request, StreamObserver<Kvrpcpb.CommitResponse> responses) {
        reply(Command.KV_COMMIT, () -> txn.kvCommit(request), responses);
    }

    @Override
    public void kvCleanup(Kvrpcpb.CleanupRequest request, StreamObserver<Kvrpcpb.CleanupResponse> responses) {
        reply(Command.KV_CLEANUP, () -> txn.kvCleanup(request), responses);
    }

    @Override
    public void kvBatchRollback(Kvrpcpb.BatchRollbackRequest request,
                                StreamObserver<Kvrpcpb.BatchRollbackResponse> responses) {
        reply(Command.KV_BATCH_ROLLBACK, () -> txn.kvBatchRollback(request), responses);
    }

    @Override
    public void kvCheckTxnStatus(Kvrpcpb.CheckTxnStatusRequest request,
                                 StreamObserver<Kvrpcpb.CheckTxnStatusResponse> responses) {
        reply(Command.KV_CHECK_TXN_STATUS, () -> txn.kvCheckTxnStatus(request), responses);
    }

    @Override
    public void kvTxnHeartBeat(Kvrpcpb.TxnHeartBeatRequest request, StreamObserver<Kvrpcpb.TxnHeartBeatResponse> responses) {
        reply(Command.KV_TXN_HEART_BEAT, () -> txn.kvTxnHeartBeat(request), responses);
    }

    @Override
    public void kvResolveLock(Kvrpcpb.ResolveLockRequest request, StreamObserver<Kvrpcpb.ResolveLockResponse> responses) {
        reply(Command.KV_RESOLVE_LOCK, () -> txn.kvResolveLock(request), responses);
    }

    @Override
    public void kvScanLock(Kvrpcpb.ScanLockRequest request, StreamObserver<Kvrpcpb.ScanLockResponse> responses) {
        reply(Command.KV_SCAN_LOCK, () -> txn.kvScanLock(request), responses);
    }

    @Override
    public void kvPessimisticLock(Kvrpcpb.PessimisticLockRequest request,
            StreamObserver<Kvrpcpb.PessimisticLockResponse> responses) {
        reply(Command.KV_PESSIMISTIC_LOCK, () -> txn.kvPessimisticLock(request), responses);
    }

    @Override
    public void kVPessimisticRollback(Kvrpcpb.PessimisticRollbackRequest request,
            StreamObserver<Kvrpcpb.PessimisticRollbackResponse> responses) {
        reply(Command.KV_PESSIMISTIC_ROLLBACK, () -> txn.kvPessimisticRollback(request), responses);
    }

    @Override
    public void kvCheckSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest request,
            StreamObserver<Kvrpcpb.CheckSecondaryLocksResponse> responses) {
        reply(Command.KV_CHECK_SECONDARY_LOCKS, () -> txn.kvCheckSecondaryLocks(request), responses);
    }

    @Override
    public void kvDeleteRange(Kvrpcpb.DeleteRangeRequest request, StreamObserver<Kvrpcpb.DeleteRangeResponse> responses) {
        reply(Command.KV_DELETE_RANGE, () -> txn.kvDeleteRange(request), responses);
    }

    @Override
    public void kvGC(Kvrpcpb.GCRequest request, StreamObserver<Kvrpcpb.GCResponse> responses) {
        reply(Command.KV_GC, () -> txn.kvGc(request), responses);
    }

    @Override
    public void mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest request, StreamObserver<Kvrpcpb.MvccGetByKeyResponse> responses) {
        reply(Command.MVCC_GET_BY_KEY, () -> txn.mvccGetByKey(request), responses);
    }

    @Override
    public void mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest request,
                                 StreamObserver<Kvrpcpb.MvccGetByStartTsResponse> responses) {
        reply(Command.MVCC_GET_BY_START_TS, () -> txn.mvccGetByStartTs(request), responses);
    }

    /**
     * Raw and transactional data are cut differently (raw keys as they are, transactional keys
     * memcomparable-encoded: CLIENT-NEEDS section 5), so {@code is_raw_kv} picks the storage.
     */
    @Override
    public void splitRegion(Kvrpcpb.SplitRegionRequest request, StreamObserver<Kvrpcpb.SplitRegionResponse> responses) {
        reply(Command.SPLIT_REGION,
                () -> request.getIsRawKv() ? commands.splitRegion(request) : txn.splitRegion(request), responses);
    }

    @Override
    public StreamObserver<BatchCommandsRequest> batchCommands(StreamObserver<BatchCommandsResponse> responses) {
        return new BatchCommandsStream(router, responses);
    }

    @Override
    public StreamObserver<RaftMessage> raft(StreamObserver<Done> responses) {
        return RaftMessageStream.open(raftReceiver, List::of, responses);
    }

    @Override
    public StreamObserver<BatchRaftMessage> batchRaft(StreamObserver<Done> responses) {
        return RaftMessageStream.open(raftReceiver, BatchRaftMessage::getMsgsList, responses);
    }

    @Override
    public StreamObserver<SnapshotChunk> snapshot(StreamObserver<Done> responses) {
        return SnapshotStream.open(raftReceiver.get(), responses);
    }

    /**
     * Sends the answer when it is there: the response, or the status of a failure that has no
     * field in the response. A send that fails (the client gave up) is only worth a debug line.
     */
    private static <R> void reply(Command command, Supplier<CompletableFuture<R>> answer, StreamObserver<R> responses) {
        CompletableFuture<R> pending;
        try {
            pending = answer.get();
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        pending.whenComplete((response, error) -> {
            try {
                if (error == null) {
                    responses.onNext(response);
                    responses.onCompleted();
                } else {
                    responses.onError(Failure.of(command, error).status().asRuntimeException());
                }
            } catch (RuntimeException e) {
                LOG.debug("{}: the answer could not be sent: {}", command, e.toString());
            }
        });
    }
}
