package io.kvasir.server;

import static io.kvasir.server.Harness.CONTEXT;
import static io.kvasir.server.Harness.bs;
import static io.kvasir.server.Harness.kv;

import com.google.protobuf.Message;
import io.kvasir.kvproto.Errorpb;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.TikvGrpc.TikvBlockingStub;
import io.kvasir.kvproto.Tikvpb.BatchCommandsRequest;
import io.kvasir.kvproto.Tikvpb.BatchCommandsResponse;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The eleven transactional RPCs, each with a well-formed request as tikv-client-java sends it,
 * a storage answer that differs from the empty response (so a test can tell it was passed
 * through), and the ways to call it (unary, or as a BatchCommands entry) and to build the
 * responses the facade answers on failure.
 */
final class TxnRpcs {
    private TxnRpcs() {
    }

    /** One transactional RPC. */
    record TxnRpc(String name, Command command, Message request, Message answer,
                  Function<TikvBlockingStub, Message> call,
                  BatchCommandsRequest.Request entry,
                  Function<BatchCommandsResponse.Response, Message> fromEntry,
                  Function<Errorpb.Error, Message> regionOnly,
                  Function<Kvrpcpb.KeyError, Message> errorOnly) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static <Q extends Message, R extends Message> TxnRpc rpc(
            String name, Command command, Q request, R answer, BiFunction<TikvBlockingStub, Q, R> call,
            Function<BatchCommandsRequest.Request.Builder, BatchCommandsRequest.Request.Builder> asEntry,
            Function<BatchCommandsResponse.Response, R> fromEntry,
            Function<Errorpb.Error, R> regionOnly, Function<Kvrpcpb.KeyError, R> errorOnly) {
        return new TxnRpc(name, command, request, answer, s -> call.apply(s, request),
                asEntry.apply(BatchCommandsRequest.Request.newBuilder()).build(),
                fromEntry::apply, regionOnly::apply, errorOnly::apply);
    }

    static final Kvrpcpb.LockInfo LOCK = Kvrpcpb.LockInfo.newBuilder()
            .setPrimaryLock(bs("p")).setLockVersion(40).setKey(bs("b")).setLockTtl(3000).setTxnSize(16).build();

    private static final Kvrpcpb.KeyError LOCKED = Kvrpcpb.KeyError.newBuilder().setLocked(LOCK).build();

    static List<TxnRpc> all() {
        Kvrpcpb.GetRequest get = Kvrpcpb.GetRequest.newBuilder().setContext(CONTEXT).setKey(bs("k")).setVersion(42).build();
        Kvrpcpb.BatchGetRequest batchGet = Kvrpcpb.BatchGetRequest.newBuilder().setContext(CONTEXT)
                .addKeys(bs("a")).addKeys(bs("b")).setVersion(42).build();
        Kvrpcpb.ScanRequest scan = Kvrpcpb.ScanRequest.newBuilder().setContext(CONTEXT).setStartKey(bs("a"))
                .setLimit(10240).setVersion(42).build();
        Kvrpcpb.PrewriteRequest prewrite = Kvrpcpb.PrewriteRequest.newBuilder().setContext(CONTEXT)
                .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Put).setKey(bs("p")).setValue(bs("v")))
                .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Del).setKey(bs("q")))
                .setPrimaryLock(bs("p")).setStartVersion(50).setLockTtl(3000).setTxnSize(16).setMinCommitTs(50).build();
        Kvrpcpb.CommitRequest commit = Kvrpcpb.CommitRequest.newBuilder().setContext(CONTEXT)
                .addKeys(bs("p")).addKeys(bs("q")).setStartVersion(50).setCommitVersion(55).build();
        Kvrpcpb.CleanupRequest cleanup = Kvrpcpb.CleanupRequest.newBuilder().setContext(CONTEXT).setKey(bs("p"))
                .setStartVersion(50).setCurrentTs(60).build();
        Kvrpcpb.BatchRollbackRequest rollback = Kvrpcpb.BatchRollbackRequest.newBuilder().setContext(CONTEXT)
                .addKeys(bs("p")).setStartVersion(50).build();
        Kvrpcpb.CheckTxnStatusRequest status = Kvrpcpb.CheckTxnStatusRequest.newBuilder().setContext(CONTEXT)
                .setPrimaryKey(bs("p")).setLockTs(40).setCallerStartTs(50).setCurrentTs(60)
                .setRollbackIfNotExist(true).build();
        Kvrpcpb.TxnHeartBeatRequest heartBeat = Kvrpcpb.TxnHeartBeatRequest.newBuilder().setContext(CONTEXT)
                .setPrimaryLock(bs("p")).setStartVersion(50).setAdviseLockTtl(9000).build();
        Kvrpcpb.ResolveLockRequest resolve = Kvrpcpb.ResolveLockRequest.newBuilder().setContext(CONTEXT)
                .setStartVersion(40).setCommitVersion(45).build();
        Kvrpcpb.ScanLockRequest scanLock = Kvrpcpb.ScanLockRequest.newBuilder().setContext(CONTEXT)
                .setMaxVersion(60).setStartKey(bs("a")).setLimit(100).build();
        Kvrpcpb.PessimisticLockRequest pessimisticLock = Kvrpcpb.PessimisticLockRequest.newBuilder().setContext(CONTEXT)
                .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.PessimisticLock).setKey(bs("a")))
                .setPrimaryLock(bs("a")).setStartVersion(50).setForUpdateTs(52).setLockTtl(3000).build();
        Kvrpcpb.CheckSecondaryLocksRequest secondaries = Kvrpcpb.CheckSecondaryLocksRequest.newBuilder()
                .setContext(CONTEXT).addKeys(bs("s")).setStartVersion(40).build();
        Kvrpcpb.DeleteRangeRequest deleteRange = Kvrpcpb.DeleteRangeRequest.newBuilder().setContext(CONTEXT)
                .setStartKey(bs("a")).setEndKey(bs("m")).build();
        Kvrpcpb.GCRequest gc = Kvrpcpb.GCRequest.newBuilder().setContext(CONTEXT).setSafePoint(30).build();
        Kvrpcpb.PessimisticRollbackRequest pessimisticRollback = Kvrpcpb.PessimisticRollbackRequest.newBuilder()
                .setContext(CONTEXT).setStartVersion(50).setForUpdateTs(52).addKeys(bs("a")).build();

        return List.of(
                rpc("KvGet", Command.KV_GET, get, Kvrpcpb.GetResponse.newBuilder().setValue(bs("v")).build(),
                        TikvBlockingStub::kvGet, e -> e.setGet(get), BatchCommandsResponse.Response::getGet,
                        e -> Kvrpcpb.GetResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.GetResponse.newBuilder().setError(k).build()),
                rpc("KvBatchGet", Command.KV_BATCH_GET, batchGet, Kvrpcpb.BatchGetResponse.newBuilder()
                                .addPairs(kv("a", "1")).addPairs(Kvrpcpb.KvPair.newBuilder().setKey(bs("b")).setError(LOCKED))
                                .build(),
                        TikvBlockingStub::kvBatchGet, e -> e.setBatchGet(batchGet), BatchCommandsResponse.Response::getBatchGet,
                        e -> Kvrpcpb.BatchGetResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.BatchGetResponse.newBuilder().setError(k).build()),
                rpc("KvScan", Command.KV_SCAN, scan, Kvrpcpb.ScanResponse.newBuilder()
                                .addPairs(kv("a", "1")).addPairs(kv("c", "3")).build(),
                        TikvBlockingStub::kvScan, e -> e.setScan(scan), BatchCommandsResponse.Response::getScan,
                        e -> Kvrpcpb.ScanResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.ScanResponse.newBuilder().setError(k).build()),
                rpc("KvPrewrite", Command.KV_PREWRITE, prewrite, Kvrpcpb.PrewriteResponse.newBuilder().addErrors(LOCKED).build(),
                        TikvBlockingStub::kvPrewrite, e -> e.setPrewrite(prewrite), BatchCommandsResponse.Response::getPrewrite,
                        e -> Kvrpcpb.PrewriteResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.PrewriteResponse.newBuilder().addErrors(k).build()),
                rpc("KvCommit", Command.KV_COMMIT, commit, Kvrpcpb.CommitResponse.newBuilder().setCommitVersion(55).build(),
                        TikvBlockingStub::kvCommit, e -> e.setCommit(commit), BatchCommandsResponse.Response::getCommit,
                        e -> Kvrpcpb.CommitResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.CommitResponse.newBuilder().setError(k).build()),
                rpc("KvCleanup", Command.KV_CLEANUP, cleanup, Kvrpcpb.CleanupResponse.newBuilder().setCommitVersion(55).build(),
                        TikvBlockingStub::kvCleanup, e -> e.setCleanup(cleanup), BatchCommandsResponse.Response::getCleanup,
                        e -> Kvrpcpb.CleanupResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.CleanupResponse.newBuilder().setError(k).build()),
                rpc("KvBatchRollback", Command.KV_BATCH_ROLLBACK, rollback, Kvrpcpb.BatchRollbackResponse.newBuilder()
                                .setError(Kvrpcpb.KeyError.newBuilder().setRetryable("committed already")).build(),
                        TikvBlockingStub::kvBatchRollback, e -> e.setBatchRollback(rollback),
                        BatchCommandsResponse.Response::getBatchRollback,
                        e -> Kvrpcpb.BatchRollbackResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.BatchRollbackResponse.newBuilder().setError(k).build()),
                rpc("KvCheckTxnStatus", Command.KV_CHECK_TXN_STATUS, status, Kvrpcpb.CheckTxnStatusResponse.newBuilder()
                                .setLockTtl(3000).setAction(Kvrpcpb.Action.MinCommitTSPushed).setLockInfo(LOCK).build(),
                        TikvBlockingStub::kvCheckTxnStatus, e -> e.setCheckTxnStatus(status),
                        BatchCommandsResponse.Response::getCheckTxnStatus,
                        e -> Kvrpcpb.CheckTxnStatusResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.CheckTxnStatusResponse.newBuilder().setError(k).build()),
                rpc("KvTxnHeartBeat", Command.KV_TXN_HEART_BEAT, heartBeat, Kvrpcpb.TxnHeartBeatResponse.newBuilder()
                                .setLockTtl(9000).build(),
                        TikvBlockingStub::kvTxnHeartBeat, e -> e.setTxnHeartBeat(heartBeat),
                        BatchCommandsResponse.Response::getTxnHeartBeat,
                        e -> Kvrpcpb.TxnHeartBeatResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.TxnHeartBeatResponse.newBuilder().setError(k).build()),
                rpc("KvResolveLock", Command.KV_RESOLVE_LOCK, resolve, Kvrpcpb.ResolveLockResponse.newBuilder()
                                .setError(Kvrpcpb.KeyError.newBuilder().setTxnNotFound(Kvrpcpb.TxnNotFound.newBuilder()
                                        .setStartTs(40).setPrimaryKey(bs("p")))).build(),
                        TikvBlockingStub::kvResolveLock, e -> e.setResolveLock(resolve),
                        BatchCommandsResponse.Response::getResolveLock,
                        e -> Kvrpcpb.ResolveLockResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.ResolveLockResponse.newBuilder().setError(k).build()),
                rpc("KvScanLock", Command.KV_SCAN_LOCK, scanLock, Kvrpcpb.ScanLockResponse.newBuilder().addLocks(LOCK).build(),
                        TikvBlockingStub::kvScanLock, e -> e.setScanLock(scanLock), BatchCommandsResponse.Response::getScanLock,
                        e -> Kvrpcpb.ScanLockResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.ScanLockResponse.newBuilder().setError(k).build()),
                rpc("KvPessimisticLock", Command.KV_PESSIMISTIC_LOCK, pessimisticLock,
                        Kvrpcpb.PessimisticLockResponse.newBuilder().addErrors(LOCKED).build(),
                        TikvBlockingStub::kvPessimisticLock, e -> e.setPessimisticLock(pessimisticLock),
                        BatchCommandsResponse.Response::getPessimisticLock,
                        e -> Kvrpcpb.PessimisticLockResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.PessimisticLockResponse.newBuilder().addErrors(k).build()),
                rpc("KVPessimisticRollback", Command.KV_PESSIMISTIC_ROLLBACK, pessimisticRollback,
                        Kvrpcpb.PessimisticRollbackResponse.newBuilder().addErrors(LOCKED).build(),
                        TikvBlockingStub::kVPessimisticRollback, e -> e.setPessimisticRollback(pessimisticRollback),
                        BatchCommandsResponse.Response::getPessimisticRollback,
                        e -> Kvrpcpb.PessimisticRollbackResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.PessimisticRollbackResponse.newBuilder().addErrors(k).build()),
                rpc("KvCheckSecondaryLocks", Command.KV_CHECK_SECONDARY_LOCKS, secondaries,
                        Kvrpcpb.CheckSecondaryLocksResponse.newBuilder().addLocks(LOCK).build(),
                        TikvBlockingStub::kvCheckSecondaryLocks, e -> e.setCheckSecondaryLocks(secondaries),
                        BatchCommandsResponse.Response::getCheckSecondaryLocks,
                        e -> Kvrpcpb.CheckSecondaryLocksResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.CheckSecondaryLocksResponse.newBuilder().setError(k).build()),
                rpc("KvDeleteRange", Command.KV_DELETE_RANGE, deleteRange,
                        Kvrpcpb.DeleteRangeResponse.newBuilder().setError("range too wide").build(),
                        TikvBlockingStub::kvDeleteRange, e -> e.setDeleteRange(deleteRange),
                        BatchCommandsResponse.Response::getDeleteRange,
                        e -> Kvrpcpb.DeleteRangeResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.DeleteRangeResponse.newBuilder().setError(k.getAbort()).build()),
                rpc("KvGC", Command.KV_GC, gc, Kvrpcpb.GCResponse.newBuilder().setError(LOCKED).build(),
                        TikvBlockingStub::kvGC, e -> e.setGC(gc), BatchCommandsResponse.Response::getGC,
                        e -> Kvrpcpb.GCResponse.newBuilder().setRegionError(e).build(),
                        k -> Kvrpcpb.GCResponse.newBuilder().setError(k).build()));
    }

    /** The answer of a key error with only {@code abort} set. */
    static Kvrpcpb.KeyError abort(String message) {
        return Kvrpcpb.KeyError.newBuilder().setAbort(message).build();
    }
}
