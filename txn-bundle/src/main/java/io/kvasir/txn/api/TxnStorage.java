package io.kvasir.txn.api;

import io.kvasir.kvproto.Kvrpcpb;
import java.util.concurrent.CompletableFuture;

/**
 * TiKV's transactional API over a store's regions (Percolator over MVCC, API V1: user keys as
 * given, stored memcomparable-encoded). The OSGi service the gRPC facade calls: each method takes
 * the request and completes with the whole response but its {@code region_error}, key errors
 * included, as TiKV's storage layer answers them.
 *
 * <p>Futures complete exceptionally with {@link io.kvasir.raft.api.RegionException} (the facade
 * answers {@code region_error}; the client re-routes) or {@link TxnStorageException} (a malformed
 * request). A write that answers key errors wrote nothing.
 */
public interface TxnStorage {

    CompletableFuture<Kvrpcpb.GetResponse> get(Kvrpcpb.GetRequest request);

    CompletableFuture<Kvrpcpb.BatchGetResponse> batchGet(Kvrpcpb.BatchGetRequest request);

    CompletableFuture<Kvrpcpb.ScanResponse> scan(Kvrpcpb.ScanRequest request);

    CompletableFuture<Kvrpcpb.PrewriteResponse> prewrite(Kvrpcpb.PrewriteRequest request);

    CompletableFuture<Kvrpcpb.CommitResponse> commit(Kvrpcpb.CommitRequest request);

    CompletableFuture<Kvrpcpb.CleanupResponse> cleanup(Kvrpcpb.CleanupRequest request);

    CompletableFuture<Kvrpcpb.BatchRollbackResponse> batchRollback(Kvrpcpb.BatchRollbackRequest request);

    CompletableFuture<Kvrpcpb.CheckTxnStatusResponse> checkTxnStatus(Kvrpcpb.CheckTxnStatusRequest request);

    CompletableFuture<Kvrpcpb.TxnHeartBeatResponse> txnHeartBeat(Kvrpcpb.TxnHeartBeatRequest request);

    CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveLock(Kvrpcpb.ResolveLockRequest request);

    CompletableFuture<Kvrpcpb.ScanLockResponse> scanLock(Kvrpcpb.ScanLockRequest request);

    /**
     * SELECT ... FOR UPDATE: locks the keys for a pessimistic transaction at its
     * {@code for_update_ts}; a key another transaction holds is waited for (up to
     * {@code wait_timeout}, TiKV's default when 0, not at all when negative) unless the wait would
     * close a deadlock, which is answered at once.
     */
    CompletableFuture<Kvrpcpb.PessimisticLockResponse> pessimisticLock(Kvrpcpb.PessimisticLockRequest request);

    CompletableFuture<Kvrpcpb.PessimisticRollbackResponse> pessimisticRollback(Kvrpcpb.PessimisticRollbackRequest request);

    /** Async commit's recovery: the state of a transaction's secondary keys; see TiKV's CheckSecondaryLocks. */
    CompletableFuture<Kvrpcpb.CheckSecondaryLocksResponse> checkSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest request);

    /** Deletes every key of every column family in the range, versions and locks alike (not transactional). */
    CompletableFuture<Kvrpcpb.DeleteRangeResponse> deleteRange(Kvrpcpb.DeleteRangeRequest request);

    /** Garbage-collects the region's versions below {@code safe_point}. */
    CompletableFuture<Kvrpcpb.GCResponse> gc(Kvrpcpb.GCRequest request);

    /** Everything the store holds about a key: its lock, write records and values. */
    CompletableFuture<Kvrpcpb.MvccGetByKeyResponse> mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest request);

    /** The region's first key that transaction {@code start_ts} locked or wrote, and all the store holds about it. */
    CompletableFuture<Kvrpcpb.MvccGetByStartTsResponse> mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest request);

    /**
     * SplitRegion with {@code is_raw_kv = false}: the split keys are user keys of transactional
     * data, and the region is cut at their memcomparable encodings (where its boundaries live).
     */
    CompletableFuture<Kvrpcpb.SplitRegionResponse> splitRegion(Kvrpcpb.SplitRegionRequest request);
}
