package io.kvasir.txn.api;

import io.kvasir.kvproto.Kvrpcpb;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * TiKV's raw key-value API over a store's regions (API V1, keys stored as given). The OSGi service
 * the gRPC facade calls. Every call takes the request's {@link Kvrpcpb.Context}, routes it to its
 * region and checks that every key lies in that region.
 *
 * <p>Futures complete exceptionally with {@link io.kvasir.raft.api.RegionException} (answer in
 * {@code region_error}; the client re-routes) or {@link RawStorageException} (answer in the
 * response's {@code error} string, or as a gRPC status when the request is malformed). Nothing
 * is written when a call fails.
 *
 * <p>{@code cf} is a column family name as clients send it: empty means {@code default}; raw
 * requests may also name {@code lock} or {@code write}. TTLs are seconds, 0 meaning none.
 */
public interface RawStorage {

    /** The value of {@code key}, empty when absent or expired. */
    CompletableFuture<Optional<byte[]>> get(Kvrpcpb.Context context, String cf, byte[] key);

    /** The pairs of the keys that exist, in the order of {@code keys}; absent keys are left out. */
    CompletableFuture<List<Kvrpcpb.KvPair>> batchGet(Kvrpcpb.Context context, String cf, List<byte[]> keys);

    CompletableFuture<Void> put(Kvrpcpb.Context context, String cf, byte[] key, byte[] value, long ttlSeconds);

    /**
     * Writes all pairs atomically. {@code ttls} follows TiKV: empty means no TTL, one element applies
     * to every pair, otherwise one per pair.
     */
    CompletableFuture<Void> batchPut(Kvrpcpb.Context context, String cf, List<Kvrpcpb.KvPair> pairs, List<Long> ttls);

    CompletableFuture<Void> delete(Kvrpcpb.Context context, String cf, byte[] key);

    CompletableFuture<Void> batchDelete(Kvrpcpb.Context context, String cf, List<byte[]> keys);

    /**
     * Up to {@code limit} live pairs from {@code start}, bounded by {@code end} (empty = none) and by
     * the region. Forward: {@code [start, end)}. Reverse: keys below {@code start} (empty = the region's
     * end) down to {@code end} inclusive, in descending order, as TiKV's reverse raw scan.
     */
    CompletableFuture<List<Kvrpcpb.KvPair>> scan(Kvrpcpb.Context context, String cf, byte[] start, byte[] end,
                                                 int limit, boolean keyOnly, boolean reverse);

    /** Deletes every key in {@code [start, end)}; {@code end} empty means the region's end. */
    CompletableFuture<Void> deleteRange(Kvrpcpb.Context context, String cf, byte[] start, byte[] end);

    /**
     * Atomically: if the current value matches ({@code previousNotExist}, or equal to
     * {@code previousValue}), writes {@code value}. The result says whether it did and what was there.
     */
    CompletableFuture<CasResult> compareAndSwap(Kvrpcpb.Context context, String cf, byte[] key, boolean previousNotExist,
                                                byte[] previousValue, byte[] value, long ttlSeconds);

    /** Seconds left of the key's TTL (0 for a key without one); empty when absent or expired. */
    CompletableFuture<Optional<Long>> getKeyTtl(Kvrpcpb.Context context, String cf, byte[] key);

    /** TiKV's raw checksum over the live pairs of the ranges: crc64 (XZ) of key+value, xored. */
    CompletableFuture<Checksum> checksum(Kvrpcpb.Context context, List<Kvrpcpb.KeyRange> ranges);

    /** Outcome of a compare-and-swap. {@code previousValue} is empty when the key did not exist. */
    record CasResult(boolean succeeded, Optional<byte[]> previousValue) {
    }

    record Checksum(long crc64Xor, long totalKvs, long totalBytes) {
    }

    /**
     * Splits the region the context routes to at {@code splitKeys} and completes with the regions
     * that now cover its range (TiKV's SplitRegion with {@code is_raw_kv}: the keys are raw keys).
     */
    CompletableFuture<List<io.kvasir.kvproto.Metapb.Region>> splitRegion(Kvrpcpb.Context context, List<byte[]> splitKeys);
}
