package io.kvasir.txn.percolator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.txn.mvcc.TimeStamps;
import io.kvasir.txn.raw.FakeRegionStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transactional API on one region, requests in and responses out, as tikv-client-java drives it. */
class TxnKvTest {

    @TempDir
    Path dir;
    KvEngine engine;
    FakeRegionStore store;
    TxnKv txn;

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
        store = FakeRegionStore.wholeKeySpace(engine);
        txn = new TxnKv(store);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static Kvrpcpb.Mutation put(String k, String v) {
        return Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Put).setKey(b(k)).setValue(b(v)).build();
    }

    private Kvrpcpb.PrewriteResponse prewrite(long startTs, String primary, Kvrpcpb.Mutation... mutations) {
        return txn.prewrite(Kvrpcpb.PrewriteRequest.newBuilder().setContext(store.context())
                .addAllMutations(List.of(mutations)).setPrimaryLock(b(primary)).setStartVersion(startTs)
                .setLockTtl(3000).setTxnSize(16).setMinCommitTs(startTs).build()).join();
    }

    private Kvrpcpb.CommitResponse commit(long startTs, long commitTs, String... keys) {
        Kvrpcpb.CommitRequest.Builder r = Kvrpcpb.CommitRequest.newBuilder().setContext(store.context())
                .setStartVersion(startTs).setCommitVersion(commitTs);
        for (String k : keys) {
            r.addKeys(b(k));
        }
        return txn.commit(r.build()).join();
    }

    private Kvrpcpb.GetResponse get(String key, long version) {
        return txn.get(Kvrpcpb.GetRequest.newBuilder().setContext(store.context()).setKey(b(key)).setVersion(version)
                .build()).join();
    }

    @Test
    void aTransactionCommitsAndIsReadAtItsVersionsAndScanned() {
        assertEquals(0, prewrite(10, "a", put("a", "1"), put("b", "2"), put("c", "3")).getErrorsCount());
        assertTrue(get("a", 15).hasError() && get("a", 15).getError().hasLocked());
        Kvrpcpb.LockInfo lock = get("b", 15).getError().getLocked();
        assertEquals(b("a"), lock.getPrimaryLock());
        assertEquals(10, lock.getLockVersion());
        assertEquals(16, lock.getTxnSize());
        assertFalse(commit(10, 20, "a", "b", "c").hasError());
        assertTrue(get("a", 19).getNotFound());
        assertEquals(b("1"), get("a", 20).getValue());
        Kvrpcpb.ScanResponse scan = txn.scan(Kvrpcpb.ScanRequest.newBuilder().setContext(store.context())
                .setStartKey(b("b")).setLimit(10).setVersion(30).build()).join();
        assertEquals(List.of(b("b"), b("c")), scan.getPairsList().stream().map(Kvrpcpb.KvPair::getKey).toList());
        assertEquals(b("3"), scan.getPairs(1).getValue());
        Kvrpcpb.BatchGetResponse batch = txn.batchGet(Kvrpcpb.BatchGetRequest.newBuilder().setContext(store.context())
                .addKeys(b("c")).addKeys(b("zz")).addKeys(b("a")).setVersion(30).build()).join();
        assertEquals(List.of(b("c"), b("a")), batch.getPairsList().stream().map(Kvrpcpb.KvPair::getKey).toList(),
                "only existing keys, in the request's order");
    }

    @Test
    void scansGoBothWaysOverVersionsAndLocksAndSkipDeletedKeys() {
        prewrite(10, "a", put("a", "1"), put("b", "2"), put("c", "3"), put("d", "4"));
        commit(10, 20, "a", "b", "c", "d");
        prewrite(30, "b", Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Del).setKey(b("b")).build(), put("c", "33"));
        commit(30, 40, "b", "c");
        prewrite(42, "e", put("e", "5")); // a new key, only a lock so far, older than the reads at 45
        Kvrpcpb.ScanResponse forward = scan(b("a"), ByteString.EMPTY, 45, false);
        assertEquals(List.of("a", "c", "d", "e"), keys(forward), "b is deleted at 40; e is locked");
        assertEquals(b("33"), forward.getPairs(1).getValue());
        assertTrue(forward.getPairs(3).getError().hasLocked());
        Kvrpcpb.ScanResponse reverse = scan(b("d"), b("a"), 45, true);
        assertEquals(List.of("c", "a"), keys(reverse), "below d, down to a inclusive, descending");
        assertEquals(List.of("e", "d", "c", "a"), keys(scan(ByteString.EMPTY, ByteString.EMPTY, 45, true)));
        assertEquals(List.of("a", "b", "c", "d"), keys(scan(b("a"), b("e"), 25, false)), "before the delete");
    }

    private Kvrpcpb.ScanResponse scan(ByteString start, ByteString end, long version, boolean reverse) {
        return txn.scan(Kvrpcpb.ScanRequest.newBuilder().setContext(store.context()).setStartKey(start).setEndKey(end)
                .setLimit(100).setVersion(version).setReverse(reverse).build()).join();
    }

    private static List<String> keys(Kvrpcpb.ScanResponse r) {
        return r.getPairsList().stream().map(p -> p.getKey().toStringUtf8()).toList();
    }

    @Test
    void aPrewriteWithAnyRefusedKeyWritesNothing() {
        prewrite(10, "x", put("x", "1"));
        int writes = store.writes.get();
        Kvrpcpb.PrewriteResponse r = prewrite(12, "w", put("w", "1"), put("x", "2"));
        assertEquals(1, r.getErrorsCount());
        assertTrue(r.getErrors(0).hasLocked());
        assertEquals(writes, store.writes.get(), "no Raft command for a refused prewrite");
        assertTrue(get("w", 20).getNotFound(), "w was not locked either");
    }

    @Test
    void anAbandonedTransactionIsResolvedByCheckTxnStatusAndAResolveOfTheWholeRegion() {
        long start = TimeStamps.compose(1_000, 0);
        prewrite(start, "p", put("p", "1"), put("s1", "2"), put("s2", "3"));
        long now = TimeStamps.compose(1_000 + 3_001, 0);
        Kvrpcpb.CheckTxnStatusResponse status = txn.checkTxnStatus(Kvrpcpb.CheckTxnStatusRequest.newBuilder()
                .setContext(store.context()).setPrimaryKey(b("p")).setLockTs(start).setCallerStartTs(now)
                .setCurrentTs(now).build()).join();
        assertEquals(Kvrpcpb.Action.TTLExpireRollback, status.getAction());
        assertEquals(0, status.getLockTtl());
        txn.resolveLock(Kvrpcpb.ResolveLockRequest.newBuilder().setContext(store.context()).setStartVersion(start)
                .build()).join(); // no keys: every lock of the transaction in the region
        Kvrpcpb.ScanLockResponse locks = txn.scanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(store.context())
                .setMaxVersion(Long.MAX_VALUE).build()).join();
        assertEquals(0, locks.getLocksCount());
        assertTrue(get("s1", now).getNotFound());
        assertTrue(commit(start, now, "s2").hasError(), "the writer cannot commit after the rollback");
    }

    @Test
    void aKeyOutsideTheRegionIsARegionError() {
        Metapb.Region half = Metapb.Region.newBuilder().setId(2).setEndKey(ByteString.copyFrom(
                io.kvasir.txn.mvcc.TxnKeys.encode("m".getBytes())))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(1).setConfVer(1))
                .addPeers(Metapb.Peer.newBuilder().setId(1).setStoreId(1)).build();
        FakeRegionStore left = new FakeRegionStore(engine, half);
        TxnKv onLeft = new TxnKv(left);
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> onLeft.get(Kvrpcpb.GetRequest.newBuilder().setContext(left.context()).setKey(b("z")).setVersion(5)
                        .build()).join());
        assertTrue(e.getCause() instanceof RegionException re && re.error().hasKeyNotInRegion(), e.toString());
        assertTrue(onLeft.get(Kvrpcpb.GetRequest.newBuilder().setContext(left.context()).setKey(b("a")).setVersion(5)
                .build()).join().getNotFound());
    }

    @Test
    void mvccInfoShowsTheLockTheWritesNewestFirstAndTheLongValues() {
        String big = "v".repeat(300);
        prewrite(10, "k", put("k", big));
        commit(10, 11, "k");
        prewrite(20, "k", put("k", "short"));
        commit(20, 21, "k");
        prewrite(30, "k", Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Del).setKey(b("k")).build());
        Kvrpcpb.MvccInfo info;
        try (io.kvasir.engine.api.Snapshot s = engine.snapshot()) {
            info = MvccInfos.of(s, "k".getBytes());
        }
        assertEquals(Kvrpcpb.Op.Del, info.getLock().getType());
        assertEquals(30, info.getLock().getStartTs());
        assertEquals(List.of(21L, 11L), info.getWritesList().stream().map(Kvrpcpb.MvccWrite::getCommitTs).toList());
        assertEquals(b("short"), info.getWrites(0).getShortValue());
        assertEquals(1, info.getValuesCount(), "only the long value lives in the default CF");
        assertEquals(10, info.getValues(0).getStartTs());
        assertEquals(big, info.getValues(0).getValue().toStringUtf8());
    }

    // ---- pessimistic transactions -------------------------------------------------------------------

    private java.util.concurrent.CompletableFuture<Kvrpcpb.PessimisticLockResponse> lock(long startTs, String key,
            long waitMillis) {
        return txn.pessimisticLock(Kvrpcpb.PessimisticLockRequest.newBuilder().setContext(store.context())
                .addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.PessimisticLock).setKey(b(key)))
                .setPrimaryLock(b(key)).setStartVersion(startTs).setForUpdateTs(startTs).setLockTtl(3000)
                .setWaitTimeout(waitMillis).build());
    }

    private void pessimisticRollback(long startTs, String key) {
        txn.pessimisticRollback(Kvrpcpb.PessimisticRollbackRequest.newBuilder().setContext(store.context())
                .setStartVersion(startTs).setForUpdateTs(startTs).addKeys(b(key)).build()).join();
    }

    @Test
    void aLockRequestWaitsForTheHolderAndIsWokenWhenItReleasesTheKey() throws Exception {
        assertEquals(0, lock(10, "k", 1000).join().getErrorsCount());
        java.util.concurrent.CompletableFuture<Kvrpcpb.PessimisticLockResponse> waiting = lock(20, "k", 10_000);
        Thread.sleep(100);
        assertFalse(waiting.isDone(), "waits while transaction 10 holds the key");
        pessimisticRollback(10, "k");
        Kvrpcpb.PessimisticLockResponse got = waiting.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, got.getErrorsCount(), "woken by the release, it locked the key: " + got);
        // A pessimistic prewrite and commit of the waiter.
        Kvrpcpb.PrewriteResponse pw = txn.prewrite(Kvrpcpb.PrewriteRequest.newBuilder().setContext(store.context())
                .addMutations(put("k", "v")).addIsPessimisticLock(true).setPrimaryLock(b("k")).setStartVersion(20)
                .setForUpdateTs(20).setLockTtl(3000).setMinCommitTs(21).build()).join();
        assertEquals(0, pw.getErrorsCount());
        assertFalse(commit(20, 30, "k").hasError());
        assertEquals(b("v"), get("k", 30).getValue());
    }

    @Test
    void aWaitThatTimesOutAnswersTheLockItMet() {
        lock(10, "k", 0).join();
        long start = System.nanoTime();
        Kvrpcpb.PessimisticLockResponse r = lock(20, "k", 150).join();
        assertTrue(System.nanoTime() - start >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(150), "it waited");
        assertEquals(10, r.getErrors(0).getLocked().getLockVersion());
        assertTrue(lock(30, "k", -1).join().getErrors(0).hasLocked(), "a negative timeout does not wait");
    }

    @Test
    void aWaitThatWouldCloseACycleIsADeadlockAnsweredAtOnce() throws Exception {
        lock(10, "a", 0).join();
        lock(20, "b", 0).join();
        java.util.concurrent.CompletableFuture<Kvrpcpb.PessimisticLockResponse> tenWaits = lock(10, "b", 10_000);
        Thread.sleep(100);
        assertFalse(tenWaits.isDone());
        Kvrpcpb.PessimisticLockResponse twenty = lock(20, "a", 10_000).get(2, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(twenty.getErrors(0).hasDeadlock(), twenty.toString());
        assertEquals(10, twenty.getErrors(0).getDeadlock().getLockTs());
        assertEquals(2, twenty.getErrors(0).getDeadlock().getWaitChainCount());
        pessimisticRollback(20, "b"); // transaction 20 gives up: 10 gets b
        assertEquals(0, tenWaits.get(5, java.util.concurrent.TimeUnit.SECONDS).getErrorsCount());
    }

    // ---- recovery and maintenance ------------------------------------------------------------------

    @Test
    void checkSecondaryLocksReportsLocksACommitOrRollsBackAKeyNeverPrewritten() {
        prewrite(10, "p", put("s1", "1"), put("s2", "2"));
        Kvrpcpb.CheckSecondaryLocksResponse locked = txn.checkSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest.newBuilder()
                .setContext(store.context()).addKeys(b("s1")).addKeys(b("s2")).setStartVersion(10).build()).join();
        assertEquals(2, locked.getLocksCount());
        commit(10, 20, "s1");
        assertEquals(20, txn.checkSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest.newBuilder().setContext(store.context())
                .addKeys(b("s2")).addKeys(b("s1")).setStartVersion(10).build()).join().getCommitTs(),
                "one secondary committed: the transaction did");
        Kvrpcpb.CheckSecondaryLocksResponse missing = txn.checkSecondaryLocks(Kvrpcpb.CheckSecondaryLocksRequest
                .newBuilder().setContext(store.context()).addKeys(b("s3")).setStartVersion(30).build()).join();
        assertEquals(0, missing.getLocksCount());
        assertEquals(0, missing.getCommitTs());
        assertEquals(1, prewrite(30, "p", put("s3", "late")).getErrorsCount(), "rolled back: it cannot be prewritten now");
    }

    @Test
    void deleteRangeDropsEveryVersionAndLockInTheRange() {
        prewrite(10, "a", put("a", "1"), put("b", "2"), put("c", "3"));
        commit(10, 20, "a", "b", "c");
        prewrite(30, "b", put("b", "22"));
        txn.deleteRange(Kvrpcpb.DeleteRangeRequest.newBuilder().setContext(store.context()).setStartKey(b("b"))
                .setEndKey(b("c")).build()).join();
        assertEquals(b("1"), get("a", 40).getValue());
        assertTrue(get("b", 40).getNotFound(), "versions and the lock of b are gone");
        assertEquals(b("3"), get("c", 40).getValue());
    }

    @Test
    void gcOfTheRegionRemovesVersionsBelowTheSafePoint() throws Exception {
        for (int i = 0; i < 3; i++) {
            prewrite(10 + 10 * i, "k", put("k", "v" + i));
            commit(10 + 10 * i, 15 + 10 * i, "k");
        }
        Kvrpcpb.MvccInfo before;
        try (io.kvasir.engine.api.Snapshot s = engine.snapshot()) {
            before = MvccInfos.of(s, "k".getBytes());
        }
        assertEquals(3, before.getWritesCount());
        txn.gc(Kvrpcpb.GCRequest.newBuilder().setContext(store.context()).setSafePoint(30).build()).join();
        try (io.kvasir.engine.api.Snapshot s = engine.snapshot()) {
            assertEquals(List.of(35L, 25L), MvccInfos.of(s, "k".getBytes()).getWritesList().stream()
                    .map(Kvrpcpb.MvccWrite::getCommitTs).toList(), "the put at 25 is what a read at 30 sees");
        }
        assertEquals(b("v1"), get("k", 30).getValue());
        assertEquals(b("v2"), get("k", 40).getValue());
    }

    @Test
    void underPressureWriteCommandsWaitOffTheBytesWrittenBeforeThemAndReadsDoNot() {
        store.stats = new io.kvasir.engine.api.EngineStats(0, 0, 0, 64L << 30, 256L << 30, 20, 4, 20, 36, 0, 4, 0, 0);
        // Level 0 at the slowdown trigger with nothing measured yet: writes are held to the floor
        // rate, 256 KiB/s, so this 192 KiB value makes the next write wait the maximum, 500 ms.
        assertEquals(0, prewrite(10, "big", put("big", "x".repeat(192 << 10))).getErrorsCount());
        long start = System.nanoTime();
        assertEquals(0, prewrite(11, "k", put("k", "v")).getErrorsCount());
        long writeMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(writeMillis >= 400, "the next write waited " + writeMillis + " ms");
        start = System.nanoTime();
        get("k", 5);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 400, "a read is not throttled");
        store.stats = null;
    }

    @Test
    void withFlowControlOffWritesGoStraightOnUnderPressure() {
        TxnKv unthrottled = new TxnKv(store, new TxnSettings(false, java.time.Duration.ofSeconds(5), java.time.Duration.ZERO));
        try {
            store.stats = new io.kvasir.engine.api.EngineStats(0, 0, 0, 64L << 30, 256L << 30, 20, 4, 20, 36, 0, 4, 0, 0);
            long start = System.nanoTime();
            Kvrpcpb.PrewriteResponse r = unthrottled.prewrite(Kvrpcpb.PrewriteRequest.newBuilder().setContext(store.context())
                    .addMutations(put("k", "v")).setPrimaryLock(b("k")).setStartVersion(10).setLockTtl(3000).build()).join();
            assertEquals(0, r.getErrorsCount());
            long writeMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(writeMillis < 2_500, "flow control off: no 5 s delay, took " + writeMillis + " ms");
        } finally {
            store.stats = null;
            unthrottled.close();
        }
    }

    @Test
    void aResolveOfTheWholeRegionGoesInBatchesSoNoCommandGrowsWithTheTransaction() {
        int keys = 2 * TxnKv.RESOLVE_LOCK_BATCH + 88;
        List<Kvrpcpb.Mutation> big = new java.util.ArrayList<>();
        for (int i = 0; i < keys; i++) {
            big.add(put(String.format("k%04d", i), "v" + i));
        }
        assertEquals(0, prewrite(10, "k0000", big.toArray(Kvrpcpb.Mutation[]::new)).getErrorsCount());
        assertEquals(0, prewrite(11, "k0100x", put("k0100x", "other")).getErrorsCount(), "another transaction's lock");
        int writesBefore = store.writes.get();

        Kvrpcpb.ResolveLockResponse r = txn.resolveLock(Kvrpcpb.ResolveLockRequest.newBuilder().setContext(store.context())
                .setStartVersion(10).setCommitVersion(20).build()).join();

        assertFalse(r.hasError() || r.hasRegionError(), r.toString());
        assertEquals(3, store.writes.get() - writesBefore, "256 + 256 + 88 locks, one command each");
        for (int i = 0; i < keys; i += 97) {
            assertEquals(b("v" + i), get(String.format("k%04d", i), 30).getValue());
        }
        assertEquals(b("v" + (keys - 1)), get(String.format("k%04d", keys - 1), 30).getValue());
        Kvrpcpb.ScanLockResponse left = txn.scanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(store.context())
                .setMaxVersion(Long.MAX_VALUE).build()).join();
        assertEquals(List.of(b("k0100x")), left.getLocksList().stream().map(Kvrpcpb.LockInfo::getKey).toList(),
                "only the other transaction's lock is left");
    }

    @Test
    void scanLockStopsAtItsLimitAmongTheLocksOldEnough() {
        assertEquals(0, prewrite(10, "a", put("a", "1"), put("c", "3")).getErrorsCount());
        assertEquals(0, prewrite(50, "b", put("b", "2")).getErrorsCount());
        assertEquals(0, prewrite(12, "d", put("d", "4")).getErrorsCount());
        Kvrpcpb.ScanLockResponse r = txn.scanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(store.context())
                .setMaxVersion(20).setLimit(2).build()).join();
        assertEquals(List.of(b("a"), b("c")), r.getLocksList().stream().map(Kvrpcpb.LockInfo::getKey).toList(),
                "b's lock is too young and does not count against the limit");
    }

    @Test
    void asyncCommitAndOnePcAreRefusedCleanlyAsPlainTwoPhaseCommit() {
        Kvrpcpb.PrewriteResponse r = txn.prewrite(Kvrpcpb.PrewriteRequest.newBuilder().setContext(store.context())
                .addMutations(put("a", "1")).addMutations(put("b", "2")).setPrimaryLock(b("a")).setStartVersion(10)
                .setLockTtl(3000).setMinCommitTs(11).setUseAsyncCommit(true).addSecondaries(b("b")).setTryOnePc(true)
                .setMaxCommitTs(100).build()).join();
        assertEquals(0, r.getErrorsCount());
        assertEquals(0, r.getMinCommitTs(), "no async commit: the client falls back to 2PC");
        assertEquals(0, r.getOnePcCommitTs(), "no 1PC: nothing was committed");
        Kvrpcpb.GetResponse locked = get("a", 50);
        assertTrue(locked.hasError(), "a plain lock is in the way, not a committed value");
        assertFalse(locked.getError().getLocked().getUseAsyncCommit(), "the lock is a 2PC lock");
        assertEquals(0, locked.getError().getLocked().getSecondariesCount());
        Kvrpcpb.CommitResponse committed = commit(10, 20, "a", "b");
        assertFalse(committed.hasError() || committed.hasRegionError(), "an ordinary commit finishes it: " + committed);
        assertEquals(b("1"), get("a", 30).getValue());
        assertEquals(b("2"), get("b", 30).getValue());
    }

    @Test
    void mvccGetByStartTsFindsTheFirstKeyATransactionLockedOrWrote() {
        assertEquals(0, prewrite(10, "b", put("b", "1"), put("c", "2"), put("d", "3")).getErrorsCount());
        commit(10, 20, "b", "d");
        Kvrpcpb.MvccGetByStartTsResponse found = txn.mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest.newBuilder()
                .setContext(store.context()).setStartTs(10).build()).join();
        assertEquals(b("b"), found.getKey(), "b (committed) comes before c (still locked)");
        assertEquals(20, found.getInfo().getWrites(0).getCommitTs());

        commit(10, 20, "c");
        rollbackKey(30, "a");
        Kvrpcpb.MvccGetByStartTsResponse rolledBack = txn.mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest.newBuilder()
                .setContext(store.context()).setStartTs(30).build()).join();
        assertEquals(b("a"), rolledBack.getKey());

        Kvrpcpb.MvccGetByStartTsResponse none = txn.mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest.newBuilder()
                .setContext(store.context()).setStartTs(11).build()).join();
        assertTrue(none.getKey().isEmpty());
        assertTrue(!none.hasInfo());
    }

    @Test
    void mvccGetByStartTsFindsAKeyStillLocked() {
        assertEquals(0, prewrite(10, "x", put("x", "1")).getErrorsCount());
        Kvrpcpb.MvccGetByStartTsResponse found = txn.mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest.newBuilder()
                .setContext(store.context()).setStartTs(10).build()).join();
        assertEquals(b("x"), found.getKey());
        assertEquals(10, found.getInfo().getLock().getStartTs());
    }

    private void rollbackKey(long startTs, String key) {
        txn.batchRollback(Kvrpcpb.BatchRollbackRequest.newBuilder().setContext(store.context())
                .setStartVersion(startTs).addKeys(b(key)).build()).join();
    }
}
