package io.kvasir.txn.raw;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionKeys;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.RawStorageException;
import io.kvasir.txn.sched.Latches;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * TiKV's raw key-value API on a store's regions. Reads take an engine snapshot; writes go through
 * the region's Raft group as one command each, so a batch is atomic. Writes are serialised per key
 * by {@link Latches}, which makes compare-and-swap atomic against every other raw write.
 *
 * <p>Everything a request names is checked before anything is written: the region (by
 * {@link RegionStore#route}), that every key lies in it, the column family, the TTLs.
 */
public final class RawKv implements RawStorage {
    private static final int LATCH_SLOTS = 2048;

    private final RegionStore regions;
    private final Clock clock;
    private final boolean ttlEnabled;
    private final Latches latches = new Latches(LATCH_SLOTS);

    public RawKv(RegionStore regions, Clock clock, boolean ttlEnabled) {
        this.regions = regions;
        this.clock = clock;
        this.ttlEnabled = ttlEnabled;
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(Kvrpcpb.Context context, String cf, byte[] key) {
        return read(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            checkInRegion(route, key);
            return snapshot -> live(snapshot, family, key).map(RawValue::value);
        });
    }

    @Override
    public CompletableFuture<List<Kvrpcpb.KvPair>> batchGet(Kvrpcpb.Context context, String cf, List<byte[]> keys) {
        return read(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            keys.forEach(k -> checkInRegion(route, k));
            return snapshot -> {
                List<Kvrpcpb.KvPair> pairs = new ArrayList<>();
                for (byte[] key : keys) {
                    live(snapshot, family, key).ifPresent(v -> pairs.add(pair(key, v.value())));
                }
                return pairs;
            };
        });
    }

    @Override
    public CompletableFuture<Void> put(Kvrpcpb.Context context, String cf, byte[] key, byte[] value, long ttlSeconds) {
        return batchPut(context, cf, List.of(pair(key, value)), List.of(ttlSeconds));
    }

    @Override
    public CompletableFuture<Void> batchPut(Kvrpcpb.Context context, String cf, List<Kvrpcpb.KvPair> pairs, List<Long> ttls) {
        return write(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            if (!ttls.isEmpty() && ttls.size() != 1 && ttls.size() != pairs.size()) {
                throw invalid("ttls must be empty, one value, or one per pair; got " + ttls.size() + " for " + pairs.size() + " pairs");
            }
            long now = nowSeconds();
            List<RaftCmdpb.Request> requests = new ArrayList<>(pairs.size());
            List<byte[]> keys = new ArrayList<>(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                Kvrpcpb.KvPair p = pairs.get(i);
                byte[] key = p.getKey().toByteArray();
                checkInRegion(route, key);
                long ttl = ttls.isEmpty() ? 0 : ttls.get(ttls.size() == 1 ? 0 : i);
                requests.add(putRequest(family, key, p.getValue().toByteArray(), expiry(now, ttl)));
                keys.add(key);
            }
            return new Write(keys, requests);
        });
    }

    @Override
    public CompletableFuture<Void> delete(Kvrpcpb.Context context, String cf, byte[] key) {
        return batchDelete(context, cf, List.of(key));
    }

    @Override
    public CompletableFuture<Void> batchDelete(Kvrpcpb.Context context, String cf, List<byte[]> keys) {
        return write(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            keys.forEach(k -> checkInRegion(route, k));
            List<RaftCmdpb.Request> requests = keys.stream().map(k -> deleteRequest(family, k)).toList();
            return new Write(keys, requests);
        });
    }

    @Override
    public CompletableFuture<List<Kvrpcpb.KvPair>> scan(Kvrpcpb.Context context, String cf, byte[] start, byte[] end,
                                                        int limit, boolean keyOnly, boolean reverse) {
        return read(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            if (limit < 0) {
                throw invalid("scan limit must not be negative, got " + limit);
            }
            ScanBounds bounds = reverse ? ScanBounds.reverse(route, start, end) : ScanBounds.forward(route, start, end);
            return snapshot -> scanLive(snapshot, family, bounds, limit, keyOnly, reverse);
        });
    }

    @Override
    public CompletableFuture<Void> deleteRange(Kvrpcpb.Context context, String cf, byte[] start, byte[] end) {
        return write(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            ScanBounds bounds = ScanBounds.forward(route, start, end);
            if (end.length > 0 && !route.region().getEndKey().isEmpty()
                    && RegionKeys.compare(end, route.region().getEndKey()) > 0) {
                throw RegionErrors.keyNotInRegion(end, route.region());
            }
            if (bounds.isEmpty()) {
                return new Write(List.of(), List.of());
            }
            RaftCmdpb.Request request = RaftCmdpb.Request.newBuilder()
                    .setCmdType(RaftCmdpb.CmdType.DeleteRange)
                    .setDeleteRange(RaftCmdpb.DeleteRangeRequest.newBuilder()
                            .setCf(ColumnFamilies.commandName(family))
                            .setStartKey(ByteString.copyFrom(bounds.lower()))
                            .setEndKey(ByteString.copyFrom(bounds.upper())))
                    .build();
            // A range delete takes the latches of its ends only: a CAS inside the range may race it,
            // as in TiKV, where a raw delete-range takes no latch at all.
            return new Write(List.of(bounds.lower()), List.of(request));
        });
    }

    @Override
    public CompletableFuture<CasResult> compareAndSwap(Kvrpcpb.Context context, String cf, byte[] key, boolean previousNotExist,
                                                       byte[] previousValue, byte[] value, long ttlSeconds) {
        RegionRoute route;
        ColumnFamily family;
        try {
            route = regions.route(context);
            family = ColumnFamilies.parse(cf);
            checkInRegion(route, key);
            checkTtl(ttlSeconds);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return latches.run(List.of(key), () -> regions.snapshot(route).thenCompose(snapshot -> {
            Optional<byte[]> current;
            try (snapshot) {
                current = live(snapshot, family, key).map(RawValue::value);
            }
            boolean matches = previousNotExist ? current.isEmpty()
                    : current.isPresent() && Arrays.equals(current.get(), previousValue);
            if (!matches) {
                return CompletableFuture.completedFuture(new CasResult(false, current));
            }
            RaftCmdpb.Request put = putRequest(family, key, value, expiry(nowSeconds(), ttlSeconds));
            return regions.write(route, List.of(put)).thenApply(done -> new CasResult(true, current));
        }));
    }

    @Override
    public CompletableFuture<Optional<Long>> getKeyTtl(Kvrpcpb.Context context, String cf, byte[] key) {
        return read(context, route -> {
            ColumnFamily family = ColumnFamilies.parse(cf);
            checkInRegion(route, key);
            return snapshot -> live(snapshot, family, key).map(v -> v.ttlLeft(nowSeconds()));
        });
    }

    @Override
    public CompletableFuture<Checksum> checksum(Kvrpcpb.Context context, List<Kvrpcpb.KeyRange> ranges) {
        return read(context, route -> {
            List<ScanBounds> bounds = ranges.stream().map(r -> ScanBounds.forward(route,
                    r.getStartKey().toByteArray(), r.getEndKey().toByteArray())).toList();
            return snapshot -> {
                long crc = 0;
                long kvs = 0;
                long bytes = 0;
                for (ScanBounds b : bounds) {
                    for (Kvrpcpb.KvPair p : scanLive(snapshot, ColumnFamily.DEFAULT, b, Integer.MAX_VALUE, false, false)) {
                        byte[] k = p.getKey().toByteArray();
                        byte[] v = p.getValue().toByteArray();
                        crc ^= new Crc64().update(k).update(v).value();
                        kvs++;
                        bytes += k.length + v.length;
                    }
                }
                return new Checksum(crc, kvs, bytes);
            };
        });
    }

    @Override
    public CompletableFuture<List<Metapb.Region>> splitRegion(Kvrpcpb.Context context, List<byte[]> splitKeys) {
        RegionRoute route;
        try {
            route = regions.route(context);
            for (byte[] k : splitKeys) {
                if (k.length == 0) {
                    throw new RawStorageException(RawStorageException.Kind.INVALID_ARGUMENT, "split key must not be empty");
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return regions.split(route, splitKeys.stream().map(ByteString::copyFrom).toList());
    }

    // --- the two shapes of every call ---

    /** Routes and validates (throwing before anything happens), then runs the read on a snapshot. */
    private <T> CompletableFuture<T> read(Kvrpcpb.Context context, Function<RegionRoute, Function<Snapshot, T>> plan) {
        RegionRoute route;
        Function<Snapshot, T> reader;
        try {
            route = regions.route(context);
            reader = plan.apply(route);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return regions.snapshot(route).thenApply(snapshot -> {
            try (snapshot) {
                return reader.apply(snapshot);
            }
        });
    }

    private record Write(List<byte[]> keys, List<RaftCmdpb.Request> requests) {
    }

    /** Routes and builds the whole command (throwing before anything is written), then replicates it. */
    private CompletableFuture<Void> write(Kvrpcpb.Context context, Function<RegionRoute, Write> plan) {
        RegionRoute route;
        Write write;
        try {
            route = regions.route(context);
            write = plan.apply(route);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (write.requests().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return latches.run(write.keys(), () -> regions.write(route, write.requests()));
    }

    // --- helpers ---

    private List<Kvrpcpb.KvPair> scanLive(Snapshot snapshot, ColumnFamily cf, ScanBounds bounds, int limit,
                                          boolean keyOnly, boolean reverse) {
        List<Kvrpcpb.KvPair> out = new ArrayList<>();
        if (limit == 0 || bounds.isEmpty()) {
            return out;
        }
        long now = nowSeconds();
        IterOptions range = IterOptions.range(DataKeys.data(bounds.lower()),
                bounds.upper().length == 0 ? DataKeys.DATA_MAX.clone() : DataKeys.data(bounds.upper()));
        try (EngineIterator it = snapshot.newIterator(cf, range)) {
            for (boolean ok = reverse ? it.seekToLast() : it.seekToFirst(); ok && out.size() < limit;
                 ok = reverse ? it.prev() : it.next()) {
                RawValue v = RawValue.decode(it.value());
                if (v.isExpired(now)) {
                    continue;
                }
                byte[] key = DataKeys.origin(it.key());
                out.add(keyOnly ? Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key)).build() : pair(key, v.value()));
            }
        }
        return out;
    }

    private Optional<RawValue> live(Snapshot snapshot, ColumnFamily cf, byte[] key) {
        byte[] stored = snapshot.get(cf, DataKeys.data(key));
        if (stored == null) {
            return Optional.empty();
        }
        RawValue v = RawValue.decode(stored);
        return v.isExpired(nowSeconds()) ? Optional.empty() : Optional.of(v);
    }

    private long expiry(long now, long ttlSeconds) {
        checkTtl(ttlSeconds);
        return RawValue.expiry(now, ttlSeconds);
    }

    private void checkTtl(long ttlSeconds) {
        if (ttlSeconds < 0) {
            throw invalid("ttl must not be negative, got " + ttlSeconds);
        }
        if (ttlSeconds > 0 && !ttlEnabled) {
            throw invalid("TTL is not enabled on this store (storage.enable-ttl = false)");
        }
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    private static void checkInRegion(RegionRoute route, byte[] key) {
        if (!route.contains(key)) {
            throw RegionErrors.keyNotInRegion(key, route.region());
        }
    }

    private static RaftCmdpb.Request putRequest(ColumnFamily cf, byte[] key, byte[] value, long expireAt) {
        return RaftCmdpb.Request.newBuilder()
                .setCmdType(RaftCmdpb.CmdType.Put)
                .setPut(RaftCmdpb.PutRequest.newBuilder()
                        .setCf(ColumnFamilies.commandName(cf))
                        .setKey(ByteString.copyFrom(key))
                        .setValue(ByteString.copyFrom(RawValue.encode(value, expireAt))))
                .build();
    }

    private static RaftCmdpb.Request deleteRequest(ColumnFamily cf, byte[] key) {
        return RaftCmdpb.Request.newBuilder()
                .setCmdType(RaftCmdpb.CmdType.Delete)
                .setDelete(RaftCmdpb.DeleteRequest.newBuilder()
                        .setCf(ColumnFamilies.commandName(cf))
                        .setKey(ByteString.copyFrom(key)))
                .build();
    }

    private static Kvrpcpb.KvPair pair(byte[] key, byte[] value) {
        return Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build();
    }

    static RawStorageException invalid(String message) {
        return new RawStorageException(RawStorageException.Kind.INVALID_ARGUMENT, message);
    }
}
