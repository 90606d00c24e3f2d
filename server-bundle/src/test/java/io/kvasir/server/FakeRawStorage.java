package io.kvasir.server;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.api.RawStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An in-memory {@link RawStorage} over one sorted map (no regions, no expiry), for driving the
 * facade. It records what each call received, and can be told to fail the next call (by a failed
 * future or a synchronous throw) or to hold answers until the test releases them, which then
 * completes them on another thread.
 */
final class FakeRawStorage implements RawStorage {
    /** What the last call received. */
    record Call(String method, Kvrpcpb.Context context, String cf, List<Object> args) {
    }

    private final NavigableMap<byte[], byte[]> data = new TreeMap<>(Arrays::compareUnsigned);
    private final Map<byte[], Long> ttls = new TreeMap<>(Arrays::compareUnsigned);
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Throwable> failNext = new AtomicReference<>();
    private final AtomicReference<RuntimeException> throwNext = new AtomicReference<>();
    private volatile boolean nullNext;
    private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private final ExecutorService completer = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fake-storage-completer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean hold;
    private volatile boolean completeElsewhere;
    private volatile List<Kvrpcpb.KvPair> batchGetOverride;

    // --- test controls -------------------------------------------------------------------------

    /** The next call's future fails with {@code t}. */
    void failNext(Throwable t) {
        failNext.set(t);
    }

    /** The next call throws {@code e} instead of returning a future. */
    void throwNext(RuntimeException e) {
        throwNext.set(e);
    }

    /** The next call returns {@code null} instead of a future (a broken storage). */
    void returnNullNext() {
        nullNext = true;
    }

    /** From now on answers wait for {@link #releaseAll()}. */
    void hold() {
        hold = true;
    }

    /** From now on every answer completes on a pool thread, never the caller's. */
    void completeElsewhere() {
        completeElsewhere = true;
    }

    /** Number of calls whose answers are held now. */
    int heldCount() {
        return heldCount.get();
    }

    /** Completes every held answer, in reverse order of arrival, on another thread; stops holding. */
    void releaseAll() {
        hold = false;
        List<Runnable> pending = new ArrayList<>();
        Runnable r;
        while ((r = held.poll()) != null) {
            pending.add(0, r);
        }
        heldCount.addAndGet(-pending.size());
        completer.execute(() -> pending.forEach(Runnable::run));
    }

    /** Makes batchGet answer exactly this list (to feed the facade malformed values). */
    void answerBatchGetWith(List<Kvrpcpb.KvPair> pairs) {
        batchGetOverride = pairs;
    }

    Call lastCall() {
        Call last = null;
        for (Call c : calls) {
            last = c;
        }
        return last;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Optional<byte[]> peek(String key) {
        return Optional.ofNullable(data.get(key.getBytes()));
    }

    void shutdown() throws InterruptedException {
        completer.shutdownNow();
        completer.awaitTermination(5, TimeUnit.SECONDS);
    }

    // --- RawStorage ----------------------------------------------------------------------------

    @Override
    public CompletableFuture<Optional<byte[]>> get(Kvrpcpb.Context context, String cf, byte[] key) {
        return answer(new Call("get", context, cf, List.of(key)), () -> {
            synchronized (this) {
                return Optional.ofNullable(data.get(key));
            }
        });
    }

    @Override
    public CompletableFuture<List<Kvrpcpb.KvPair>> batchGet(Kvrpcpb.Context context, String cf, List<byte[]> keys) {
        return answer(new Call("batchGet", context, cf, List.of(keys)), () -> {
            List<Kvrpcpb.KvPair> override = batchGetOverride;
            if (override != null) {
                return override;
            }
            synchronized (this) {
                List<Kvrpcpb.KvPair> out = new ArrayList<>();
                for (byte[] k : keys) {
                    byte[] v = data.get(k);
                    if (v != null) {
                        out.add(pair(k, v));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public CompletableFuture<Void> put(Kvrpcpb.Context context, String cf, byte[] key, byte[] value, long ttlSeconds) {
        return answer(new Call("put", context, cf, List.of(key, value, ttlSeconds)), () -> {
            synchronized (this) {
                write(key, value, ttlSeconds);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> batchPut(Kvrpcpb.Context context, String cf, List<Kvrpcpb.KvPair> pairs, List<Long> ttlList) {
        return answer(new Call("batchPut", context, cf, List.of(pairs, ttlList)), () -> {
            synchronized (this) {
                for (int i = 0; i < pairs.size(); i++) {
                    long ttl = ttlList.isEmpty() ? 0 : ttlList.size() == 1 ? ttlList.get(0) : ttlList.get(i);
                    write(pairs.get(i).getKey().toByteArray(), pairs.get(i).getValue().toByteArray(), ttl);
                }
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> delete(Kvrpcpb.Context context, String cf, byte[] key) {
        return answer(new Call("delete", context, cf, List.of(key)), () -> {
            synchronized (this) {
                data.remove(key);
                ttls.remove(key);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> batchDelete(Kvrpcpb.Context context, String cf, List<byte[]> keys) {
        return answer(new Call("batchDelete", context, cf, List.of(keys)), () -> {
            synchronized (this) {
                keys.forEach(k -> {
                    data.remove(k);
                    ttls.remove(k);
                });
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<List<Kvrpcpb.KvPair>> scan(Kvrpcpb.Context context, String cf, byte[] start, byte[] end,
                                                        int limit, boolean keyOnly, boolean reverse) {
        return answer(new Call("scan", context, cf, List.of(start, end, limit, keyOnly, reverse)), () -> {
            synchronized (this) {
                NavigableMap<byte[], byte[]> view;
                if (reverse) {
                    view = start.length == 0 ? data.descendingMap() : data.headMap(start, false).descendingMap();
                    if (end.length > 0) {
                        view = view.headMap(end, true);
                    }
                } else {
                    view = data.tailMap(start, true);
                    if (end.length > 0) {
                        view = view.headMap(end, false);
                    }
                }
                List<Kvrpcpb.KvPair> out = new ArrayList<>();
                for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
                    if (out.size() >= limit) {
                        break;
                    }
                    out.add(pair(e.getKey(), keyOnly ? new byte[0] : e.getValue()));
                }
                return out;
            }
        });
    }

    @Override
    public CompletableFuture<Void> deleteRange(Kvrpcpb.Context context, String cf, byte[] start, byte[] end) {
        return answer(new Call("deleteRange", context, cf, List.of(start, end)), () -> {
            synchronized (this) {
                NavigableMap<byte[], byte[]> view = end.length == 0 ? data.tailMap(start, true) : data.subMap(start, true, end, false);
                List<byte[]> doomed = new ArrayList<>(view.keySet());
                doomed.forEach(k -> {
                    data.remove(k);
                    ttls.remove(k);
                });
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<CasResult> compareAndSwap(Kvrpcpb.Context context, String cf, byte[] key, boolean previousNotExist,
                                                       byte[] previousValue, byte[] value, long ttlSeconds) {
        return answer(new Call("compareAndSwap", context, cf, List.of(key, previousNotExist, previousValue, value, ttlSeconds)), () -> {
            synchronized (this) {
                byte[] current = data.get(key);
                boolean matches = previousNotExist ? current == null : current != null && Arrays.equals(current, previousValue);
                if (matches) {
                    write(key, value, ttlSeconds);
                }
                return new CasResult(matches, Optional.ofNullable(current));
            }
        });
    }

    @Override
    public CompletableFuture<Optional<Long>> getKeyTtl(Kvrpcpb.Context context, String cf, byte[] key) {
        return answer(new Call("getKeyTtl", context, cf, List.of(key)), () -> {
            synchronized (this) {
                return data.containsKey(key) ? Optional.of(ttls.getOrDefault(key, 0L)) : Optional.empty();
            }
        });
    }

    @Override
    public CompletableFuture<Checksum> checksum(Kvrpcpb.Context context, List<Kvrpcpb.KeyRange> ranges) {
        return answer(new Call("checksum", context, "", List.of(ranges)), () -> {
            synchronized (this) {
                long crc = 0;
                long kvs = 0;
                long bytes = 0;
                for (Kvrpcpb.KeyRange r : ranges) {
                    byte[] s = r.getStartKey().toByteArray();
                    byte[] e = r.getEndKey().toByteArray();
                    NavigableMap<byte[], byte[]> view = e.length == 0 ? data.tailMap(s, true) : data.subMap(s, true, e, false);
                    for (Map.Entry<byte[], byte[]> entry : view.entrySet()) {
                        crc ^= Arrays.hashCode(entry.getKey()) * 31L + Arrays.hashCode(entry.getValue());
                        kvs++;
                        bytes += entry.getKey().length + entry.getValue().length;
                    }
                }
                return new Checksum(crc, kvs, bytes);
            }
        });
    }

    /** Answers with one region per piece, ids counting from 100, the keys as the pieces' bounds. */
    @Override
    public CompletableFuture<List<io.kvasir.kvproto.Metapb.Region>> splitRegion(Kvrpcpb.Context context,
            List<byte[]> splitKeys) {
        return answer(new Call("splitRegion", context, "", List.of(splitKeys)), () -> {
            List<io.kvasir.kvproto.Metapb.Region> regions = new ArrayList<>();
            ByteString start = ByteString.EMPTY;
            for (int i = 0; i <= splitKeys.size(); i++) {
                ByteString end = i < splitKeys.size() ? ByteString.copyFrom(splitKeys.get(i)) : ByteString.EMPTY;
                regions.add(io.kvasir.kvproto.Metapb.Region.newBuilder().setId(100 + i).setStartKey(start).setEndKey(end)
                        .build());
                start = end;
            }
            return regions;
        });
    }

    // --- plumbing --------------------------------------------------------------------------------

    private void write(byte[] key, byte[] value, long ttlSeconds) {
        data.put(key, value);
        if (ttlSeconds == 0) {
            ttls.remove(key);
        } else {
            ttls.put(key, ttlSeconds);
        }
    }

    private static Kvrpcpb.KvPair pair(byte[] k, byte[] v) {
        return Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(k)).setValue(ByteString.copyFrom(v)).build();
    }

    private <T> CompletableFuture<T> answer(Call call, Supplier<T> work) {
        calls.add(call);
        RuntimeException toThrow = throwNext.getAndSet(null);
        if (toThrow != null) {
            throw toThrow;
        }
        if (nullNext) {
            nullNext = false;
            return null;
        }
        Throwable failure = failNext.getAndSet(null);
        CompletableFuture<T> f = new CompletableFuture<>();
        Runnable complete = () -> {
            if (failure != null) {
                f.completeExceptionally(failure);
            } else {
                try {
                    f.complete(work.get());
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }
        };
        if (hold) {
            held.add(complete);
            heldCount.incrementAndGet();
        } else if (completeElsewhere) {
            completer.execute(complete);
        } else {
            complete.run();
        }
        return f;
    }
}
