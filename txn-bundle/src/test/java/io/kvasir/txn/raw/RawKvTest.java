package io.kvasir.txn.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.RawStorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw API's semantics on one region [b, m) of a real engine, with a clock the test moves. */
class RawKvTest {
    @TempDir
    Path dir;
    RocksDbEngine engine;
    FakeRegionStore store;
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    RawKv raw;
    Kvrpcpb.Context ctx;

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
        Metapb.Region region = Metapb.Region.newBuilder().setId(7)
                .setStartKey(bs("b")).setEndKey(bs("m"))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(3))
                .addPeers(Metapb.Peer.newBuilder().setId(8).setStoreId(1)).build();
        store = new FakeRegionStore(engine, region);
        raw = new RawKv(store, clock, true);
        ctx = store.context();
    }

    @AfterEach
    void close() {
        engine.close();
    }

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static <T> T join(CompletableFuture<T> f) {
        return f.join();
    }

    static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    static List<String> keys(List<Kvrpcpb.KvPair> pairs) {
        return pairs.stream().map(p -> p.getKey().toStringUtf8()).toList();
    }

    void putAll(String... keys) {
        List<Kvrpcpb.KvPair> pairs = new ArrayList<>();
        for (String k : keys) {
            pairs.add(Kvrpcpb.KvPair.newBuilder().setKey(bs(k)).setValue(bs("v-" + k)).build());
        }
        join(raw.batchPut(ctx, "", pairs, List.of()));
    }

    @Test
    void keysOutsideTheRegionAreRefusedAndNothingIsWritten() {
        Throwable e = failure(raw.put(ctx, "", b("z"), b("v"), 0));
        RegionException re = assertInstanceOf(RegionException.class, e);
        assertTrue(re.error().hasKeyNotInRegion());
        assertEquals(7, re.error().getKeyNotInRegion().getRegionId());

        // One bad key fails the whole batch before anything is written.
        List<Kvrpcpb.KvPair> pairs = List.of(
                Kvrpcpb.KvPair.newBuilder().setKey(bs("c")).setValue(bs("1")).build(),
                Kvrpcpb.KvPair.newBuilder().setKey(bs("a")).setValue(bs("2")).build());
        assertInstanceOf(RegionException.class, failure(raw.batchPut(ctx, "", pairs, List.of())));
        assertEquals(Optional.empty(), join(raw.get(ctx, "", b("c"))));
        assertEquals(0, store.writes.get());
    }

    @Test
    void unknownColumnFamilyAndNegativeLimitAreInvalidArguments() {
        RawStorageException e = assertInstanceOf(RawStorageException.class, failure(raw.put(ctx, "nope", b("c"), b("v"), 0)));
        assertEquals(RawStorageException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("nope"));
        assertInstanceOf(RawStorageException.class, failure(raw.scan(ctx, "", b("c"), b(""), -1, false, false)));
        assertInstanceOf(RawStorageException.class, failure(raw.scan(ctx, "", b("d"), b("c"), 10, false, false)));
        assertEquals(0, store.writes.get());
    }

    @Test
    void columnFamiliesAreSeparate() {
        join(raw.put(ctx, "write", b("c"), b("in-write"), 0));
        assertEquals(Optional.empty(), join(raw.get(ctx, "", b("c"))));
        assertArrayEquals(b("in-write"), join(raw.get(ctx, "write", b("c"))).orElseThrow());
    }

    @Test
    void batchPutTtlsFollowTikvsRule() {
        List<Kvrpcpb.KvPair> pairs = List.of(
                Kvrpcpb.KvPair.newBuilder().setKey(bs("c")).setValue(bs("1")).build(),
                Kvrpcpb.KvPair.newBuilder().setKey(bs("d")).setValue(bs("2")).build(),
                Kvrpcpb.KvPair.newBuilder().setKey(bs("e")).setValue(bs("3")).build());
        join(raw.batchPut(ctx, "", pairs, List.of(10L)));
        assertEquals(Optional.of(10L), join(raw.getKeyTtl(ctx, "", b("e"))), "one ttl applies to all");
        join(raw.batchPut(ctx, "", pairs, List.of(5L, 0L, 20L)));
        assertEquals(Optional.of(5L), join(raw.getKeyTtl(ctx, "", b("c"))));
        assertEquals(Optional.of(0L), join(raw.getKeyTtl(ctx, "", b("d"))));
        assertEquals(Optional.of(20L), join(raw.getKeyTtl(ctx, "", b("e"))));
        assertInstanceOf(RawStorageException.class, failure(raw.batchPut(ctx, "", pairs, List.of(1L, 2L))));
    }

    @Test
    void expiredKeysVanishFromEveryRead() {
        join(raw.put(ctx, "", b("c"), b("short"), 5));
        putAll("d");
        clock.advanceSeconds(4);
        assertEquals(Optional.of(1L), join(raw.getKeyTtl(ctx, "", b("c"))));
        clock.advanceSeconds(1);
        assertEquals(Optional.empty(), join(raw.get(ctx, "", b("c"))));
        assertEquals(Optional.empty(), join(raw.getKeyTtl(ctx, "", b("c"))));
        assertEquals(List.of("d"), keys(join(raw.batchGet(ctx, "", List.of(b("c"), b("d"))))));
        assertEquals(List.of("d"), keys(join(raw.scan(ctx, "", b("b"), b(""), 10, false, false))));
        assertTrue(join(raw.compareAndSwap(ctx, "", b("c"), true, b(""), b("new"), 0)).succeeded(),
                "an expired key counts as absent for CAS");
    }

    @Test
    void ttlCanBeDisabled() {
        RawKv noTtl = new RawKv(store, clock, false);
        RawStorageException e = assertInstanceOf(RawStorageException.class, failure(noTtl.put(ctx, "", b("c"), b("v"), 5)));
        assertTrue(e.getMessage().contains("storage.enable-ttl"), e.getMessage());
        join(noTtl.put(ctx, "", b("c"), b("v"), 0));
    }

    @Test
    void forwardScansStopAtTheRegionEndAndHonourLimitAndKeyOnly() {
        putAll("b", "c", "d", "e", "l", "l\0");
        assertEquals(List.of("b", "c", "d", "e", "l", "l\0"), keys(join(raw.scan(ctx, "", b("b"), b(""), 100, false, false))));
        assertEquals(List.of("c", "d"), keys(join(raw.scan(ctx, "", b("c"), b(""), 2, false, false))));
        assertEquals(List.of("c", "d"), keys(join(raw.scan(ctx, "", b("c"), b("e"), 100, false, false))));
        List<Kvrpcpb.KvPair> keyOnly = join(raw.scan(ctx, "", b("d"), b(""), 1, true, false));
        assertEquals(List.of("d"), keys(keyOnly));
        assertTrue(keyOnly.get(0).getValue().isEmpty());
        assertEquals(List.of(), join(raw.scan(ctx, "", b("c"), b(""), 0, false, false)));
        assertInstanceOf(RegionException.class, failure(raw.scan(ctx, "", b("a"), b(""), 10, false, false)));
    }

    @Test
    void reverseScansReadDownFromStartToEndInclusive() {
        putAll("b", "c", "d", "e", "l");
        assertEquals(List.of("l", "e", "d", "c", "b"), keys(join(raw.scan(ctx, "", b(""), b(""), 100, false, true))));
        assertEquals(List.of("d", "c"), keys(join(raw.scan(ctx, "", b("e"), b("c"), 100, false, true))));
        assertEquals(List.of("l", "e"), keys(join(raw.scan(ctx, "", b("m"), b(""), 2, false, true))));
    }

    @Test
    void deleteRangeIsClippedToTheRegion() {
        putAll("b", "c", "d", "e", "l");
        join(raw.deleteRange(ctx, "", b("c"), b("e")));
        assertEquals(List.of("b", "e", "l"), keys(join(raw.scan(ctx, "", b("b"), b(""), 100, false, false))));
        join(raw.deleteRange(ctx, "", b("d"), b("")));
        assertEquals(List.of("b"), keys(join(raw.scan(ctx, "", b("b"), b(""), 100, false, false))));
        assertInstanceOf(RegionException.class, failure(raw.deleteRange(ctx, "", b("c"), b("z"))));
    }

    @Test
    void compareAndSwapReportsWhatWasThere() {
        RawStorage.CasResult first = join(raw.compareAndSwap(ctx, "", b("c"), true, b(""), b("1"), 0));
        assertTrue(first.succeeded());
        assertEquals(Optional.empty(), first.previousValue());
        RawStorage.CasResult conflict = join(raw.compareAndSwap(ctx, "", b("c"), true, b(""), b("2"), 0));
        assertFalse(conflict.succeeded());
        assertArrayEquals(b("1"), conflict.previousValue().orElseThrow());
        RawStorage.CasResult swap = join(raw.compareAndSwap(ctx, "", b("c"), false, b("1"), b("3"), 0));
        assertTrue(swap.succeeded());
        assertArrayEquals(b("3"), join(raw.get(ctx, "", b("c"))).orElseThrow());
    }

    @Test
    void concurrentCompareAndSwapIncrementsLoseNoUpdate() throws Exception {
        join(raw.put(ctx, "", b("counter"), b("0"), 0));
        int threads = 8;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (true) {
                            byte[] current = join(raw.get(ctx, "", b("counter"))).orElseThrow();
                            byte[] next = b(String.valueOf(Integer.parseInt(new String(current, StandardCharsets.UTF_8)) + 1));
                            if (join(raw.compareAndSwap(ctx, "", b("counter"), false, current, next, 0)).succeeded()) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(String.valueOf(threads * perThread),
                new String(join(raw.get(ctx, "", b("counter"))).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void checksumIsXorOfCrc64OfKeyAndValue() {
        putAll("c", "d");
        RawStorage.Checksum sum = join(raw.checksum(ctx, List.of(Kvrpcpb.KeyRange.newBuilder().setStartKey(bs("b")).setEndKey(bs("m")).build())));
        long expected = new Crc64().update(b("c")).update(b("v-c")).value() ^ new Crc64().update(b("d")).update(b("v-d")).value();
        assertEquals(expected, sum.crc64Xor());
        assertEquals(2, sum.totalKvs());
        assertEquals(2 + 6, sum.totalBytes());
    }

    @Test
    void crc64MatchesTheXzCheckValue() {
        assertEquals(0x995DC9BBDF1939FAL, new Crc64().update(b("123456789")).value());
    }

    @Test
    void unknownRegionIsARegionError() {
        Kvrpcpb.Context other = ctx.toBuilder().setRegionId(99).build();
        RegionException e = assertInstanceOf(RegionException.class, failure(raw.get(other, "", b("c"))));
        assertTrue(e.error().hasRegionNotFound());
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advanceSeconds(long s) {
            now = now.plusSeconds(s);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
