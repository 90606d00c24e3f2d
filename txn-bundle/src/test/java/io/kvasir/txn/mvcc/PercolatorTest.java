package io.kvasir.txn.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.raft.api.DataKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Percolator's actions, one key or two at a time, over a real engine (no Raft: the changes are applied as given). */
class PercolatorTest {

    private static final long TTL = 3_000;

    @TempDir
    Path dir;
    KvEngine engine;

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs an action on a fresh snapshot and applies what it staged, as one command would. */
    private <T> T run(BiFunction<MvccReader, MvccTxn, T> action) {
        MvccTxn txn = new MvccTxn();
        T result;
        try (Snapshot s = engine.snapshot()) {
            result = action.apply(new MvccReader(s), txn);
        }
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (MvccTxn.Modify m : txn.modifies()) {
                if (m.value() == null) {
                    batch.delete(m.cf(), DataKeys.data(m.key()));
                } else {
                    batch.put(m.cf(), DataKeys.data(m.key()), m.value());
                }
            }
            engine.write(batch, WriteOptions.SYNC);
        }
        return result;
    }

    private void prewrite(String key, String value, String primary, long startTs) {
        run((r, t) -> {
            Prewrite.prewrite(r, t, new Prewrite.Props(startTs, b(primary), TTL, 16, startTs),
                    value == null ? Prewrite.Op.DELETE : Prewrite.Op.PUT, b(key), value == null ? null : b(value));
            return null;
        });
    }

    private long commit(String key, long startTs, long commitTs) {
        return run((r, t) -> Commit.commit(r, t, b(key), startTs, commitTs));
    }

    private void rollback(String key, long startTs) {
        run((r, t) -> {
            Rollback.rollback(r, t, b(key), startTs);
            return null;
        });
    }

    private String get(String key, long ts) {
        return get(key, ts, Set.of());
    }

    private String get(String key, long ts, Set<Long> resolved) {
        try (Snapshot s = engine.snapshot()) {
            byte[] v = new MvccReader(s).get(b(key), ts, resolved);
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }
    }

    private long countCf(ColumnFamily cf) {
        try (var it = engine.newIterator(cf)) {
            long n = 0;
            for (boolean ok = it.seekToFirst(); ok; ok = it.next()) {
                n++;
            }
            return n;
        }
    }

    private static long ts(long physicalMillis) {
        return TimeStamps.compose(physicalMillis, 0);
    }

    // ---- the happy path -----------------------------------------------------------------------------

    @Test
    void aTwoKeyTransactionCommitsAndReadsSeeItFromItsCommitTs() {
        prewrite("a", "1", "a", 10);
        prewrite("b", "2", "a", 10);
        assertThrows(KeyIsLockedException.class, () -> get("a", 15), "a reader after start_ts meets the lock");
        assertNull(get("a", 9), "a reader before start_ts does not");
        assertEquals(20, commit("a", 10, 20));
        assertEquals(20, commit("b", 10, 20));
        assertNull(get("a", 19));
        assertEquals("1", get("a", 20));
        assertEquals("2", get("b", 25));
        assertEquals(0, countCf(ColumnFamily.LOCK));
    }

    @Test
    void prewriteAndCommitAreIdempotentUnderRetries() {
        prewrite("a", "1", "a", 10);
        prewrite("a", "1", "a", 10);
        assertEquals(1, countCf(ColumnFamily.LOCK));
        commit("a", 10, 20);
        assertEquals(20, commit("a", 10, 20), "a retried commit succeeds");
        prewrite("a", "1", "a", 10); // a prewrite retried after the commit locks nothing
        assertEquals(0, countCf(ColumnFamily.LOCK));
        assertEquals("1", get("a", 30));
    }

    @Test
    void aValueOverTheShortValueLimitLivesInTheDefaultCfAndARollbackRemovesIt() {
        String big = "x".repeat(Write.SHORT_VALUE_MAX_LEN + 1);
        prewrite("big", big, "big", 10);
        assertEquals(1, countCf(ColumnFamily.DEFAULT));
        rollback("big", 10);
        assertEquals(0, countCf(ColumnFamily.DEFAULT));
        prewrite("big", big, "big", 30);
        commit("big", 30, 40);
        assertEquals(big, get("big", 40));
    }

    // ---- conflicts ----------------------------------------------------------------------------------

    @Test
    void aKeyCommittedAfterTheTransactionStartedIsAWriteConflict() {
        prewrite("k", "t1", "k", 10);
        commit("k", 10, 20);
        TxnException.WriteConflict c = assertThrows(TxnException.WriteConflict.class, () -> prewrite("k", "t2", "k", 15));
        assertEquals(10, c.conflictStartTs());
        assertEquals(20, c.conflictCommitTs());
        assertEquals(TxnException.ConflictReason.OPTIMISTIC, c.reason());
        assertEquals(0, countCf(ColumnFamily.LOCK), "nothing written");
        prewrite("k", "t3", "k", 25); // started after the commit: fine
    }

    @Test
    void aKeyLockedByAnotherTransactionRefusesThePrewrite() {
        prewrite("k", "t1", "k", 10);
        KeyIsLockedException locked = assertThrows(KeyIsLockedException.class, () -> prewrite("k", "t2", "k", 12));
        assertEquals(10, locked.lock().startTs());
    }

    @Test
    void aPrewriteAfterItsTransactionWasRolledBackIsRefused() {
        rollback("k", 10); // the resolver rolled the transaction back before its prewrite arrived
        TxnException.WriteConflict c = assertThrows(TxnException.WriteConflict.class, () -> prewrite("k", "late", "k", 10));
        assertEquals(TxnException.ConflictReason.SELF_ROLLED_BACK, c.reason());
        assertEquals(0, countCf(ColumnFamily.LOCK));
    }

    @Test
    void aCommitOfARolledBackTransactionFailsAndARollbackOfACommittedOneToo() {
        prewrite("k", "v", "k", 10);
        rollback("k", 10);
        rollback("k", 10); // twice: nothing more
        assertThrows(TxnException.TxnLockNotFound.class, () -> commit("k", 10, 20));
        assertThrows(TxnException.TxnLockNotFound.class, () -> commit("never", 30, 40), "never prewritten");
        prewrite("c", "v", "c", 50);
        commit("c", 50, 60);
        TxnException.Committed committed = assertThrows(TxnException.Committed.class, () -> rollback("c", 50));
        assertEquals(60, committed.commitTs());
        assertEquals("v", get("c", 60));
    }

    @Test
    void anInsertOfAnExistingKeyFails() {
        prewrite("k", "v", "k", 10);
        commit("k", 10, 20);
        assertThrows(TxnException.AlreadyExist.class, () -> run((r, t) -> {
            Prewrite.prewrite(r, t, new Prewrite.Props(30, b("k"), TTL, 1, 30), Prewrite.Op.INSERT, b("k"), b("again"));
            return null;
        }));
        prewrite("k", null, "k", 40);
        commit("k", 40, 50);
        run((r, t) -> {
            Prewrite.prewrite(r, t, new Prewrite.Props(60, b("k"), TTL, 1, 60), Prewrite.Op.INSERT, b("k"), b("new"));
            return null;
        });
    }

    @Test
    void aRollbackAtAnotherTransactionsCommitTsIsKeptInItsRecord() {
        prewrite("k", "t1", "k", 100);
        commit("k", 100, 110);
        rollback("k", 110); // a transaction that started at 110 is rolled back on this key
        assertEquals("t1", get("k", 120), "the commit stays");
        TxnException.WriteConflict c = assertThrows(TxnException.WriteConflict.class, () -> prewrite("k", "late", "k", 110));
        assertEquals(TxnException.ConflictReason.SELF_ROLLED_BACK, c.reason());
        try (Snapshot s = engine.snapshot()) {
            assertTrue(new MvccReader(s).seekWrite(b("k"), 110).write().overlappedRollback());
        }
    }

    // ---- resolving locks ----------------------------------------------------------------------------

    @Test
    void aReaderResolvesAnExpiredLockByRollingItsTransactionBack() {
        long start = ts(1_000);
        prewrite("k", "v0", "k", ts(500));
        commit("k", ts(500), ts(600));
        prewrite("p", "new", "p", start);
        prewrite("k", "new", "p", start); // the writer dies here
        long readTs = ts(1_100);
        KeyIsLockedException locked = assertThrows(KeyIsLockedException.class, () -> get("k", readTs));
        byte[] primary = locked.lock().primary();

        CheckTxnStatus.Status alive = run((r, t) -> CheckTxnStatus.check(r, t, primary, start, readTs, ts(2_000), false));
        assertEquals(TTL, alive.lockTtl(), "within its TTL: alive");
        long afterTtl = ts(1_000 + TTL);
        CheckTxnStatus.Status expired = run((r, t) -> CheckTxnStatus.check(r, t, primary, start, readTs, afterTtl, false));
        assertEquals(CheckTxnStatus.Action.TTL_EXPIRE_ROLLBACK, expired.action());
        assertEquals(0, expired.commitTs());
        rollback("k", start); // resolving the secondary as the primary said
        assertEquals("v0", get("k", readTs));
        assertThrows(TxnException.TxnLockNotFound.class, () -> commit("p", start, ts(3_000)), "the writer cannot commit now");
    }

    @Test
    void aCommittedPrimaryWithSecondariesLeftLockedIsCommittedEverywhereByTheResolver() {
        prewrite("p", "1", "p", 10);
        prewrite("s", "2", "p", 10);
        commit("p", 10, 20); // the writer commits the primary and dies
        KeyIsLockedException locked = assertThrows(KeyIsLockedException.class, () -> get("s", 30));
        CheckTxnStatus.Status status = run((r, t) -> CheckTxnStatus.check(r, t, locked.lock().primary(), 10, 30,
                Long.MAX_VALUE, false));
        assertEquals(20, status.commitTs());
        commit("s", 10, status.commitTs());
        assertEquals("2", get("s", 30));
        assertEquals("1", get("p", 30));
    }

    @Test
    void aReaderPushesMinCommitTsAndReadsAroundTheLockWhichThenCannotCommitBelowIt() {
        prewrite("k", "v0", "k", 5);
        commit("k", 5, 6);
        prewrite("k", "v1", "k", 10);
        CheckTxnStatus.Status pushed = run((r, t) -> CheckTxnStatus.check(r, t, b("k"), 10, 30, ts(0) + 1, false));
        assertEquals(CheckTxnStatus.Action.MIN_COMMIT_TS_PUSHED, pushed.action());
        assertEquals(31, pushed.lock().minCommitTs());
        assertEquals("v0", get("k", 30), "the lock's commit cannot come at or before 30 now");
        assertEquals("v0", get("k", 30, Set.of(10L)));
        TxnException.CommitTsExpired expired = assertThrows(TxnException.CommitTsExpired.class, () -> commit("k", 10, 25));
        assertEquals(31, expired.minCommitTs());
        commit("k", 10, 40);
        assertEquals("v1", get("k", 40));
    }

    @Test
    void aTransactionWithNoTraceIsNotFoundOrRolledBackWhenAsked() {
        assertInstanceOf(TxnException.TxnNotFound.class, assertThrows(TxnException.class,
                () -> run((r, t) -> CheckTxnStatus.check(r, t, b("p"), 10, 20, Long.MAX_VALUE, false))));
        CheckTxnStatus.Status s = run((r, t) -> CheckTxnStatus.check(r, t, b("p"), 10, 20, Long.MAX_VALUE, true));
        assertEquals(CheckTxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK, s.action());
        assertThrows(TxnException.WriteConflict.class, () -> prewrite("p", "late", "p", 10), "a late prewrite fails");
    }

    @Test
    void aHeartBeatRaisesThePrimarysTtlButNeverLowersIt() {
        prewrite("p", "v", "p", 10);
        assertEquals(10_000, (long) run((r, t) -> TxnHeartBeat.heartBeat(r, t, b("p"), 10, 10_000)));
        assertEquals(10_000, (long) run((r, t) -> TxnHeartBeat.heartBeat(r, t, b("p"), 10, 5)));
        try (Snapshot s = engine.snapshot()) {
            assertEquals(10_000, new MvccReader(s).lock(b("p")).ttl());
        }
        assertThrows(TxnException.TxnNotFound.class, () -> run((r, t) -> TxnHeartBeat.heartBeat(r, t, b("p"), 11, 1)));
    }

    // ---- garbage collection -------------------------------------------------------------------------

    @Test
    void gcKeepsWhatReadsAtOrAboveTheSafePointSeeAndRemovesTheRest() {
        String big = "y".repeat(Write.SHORT_VALUE_MAX_LEN + 10);
        prewrite("k", big, "k", 10);
        commit("k", 10, 11);
        prewrite("k", "v2", "k", 20);
        commit("k", 20, 21);
        rollback("k", 25);
        prewrite("k", "v3", "k", 30);
        commit("k", 30, 31);
        prewrite("d", "x", "d", 10);
        commit("d", 10, 11);
        prewrite("d", null, "d", 20);
        commit("d", 20, 21);

        int removed = run((r, t) -> Gc.gcKey(r, t, b("k"), 29));
        assertEquals(2, removed, "the put at 11 (with its long value) and the rollback at 25; the put at 21 stays");
        assertEquals(0, countCf(ColumnFamily.DEFAULT), "the long value went with its version");
        assertEquals("v2", get("k", 29));
        assertEquals("v3", get("k", 31));
        assertEquals(2, (int) run((r, t) -> Gc.gcKey(r, t, b("d"), 100)), "a delete as the newest change goes with all before it");
        assertNull(get("d", 100));
        assertEquals(0, (int) run((r, t) -> Gc.gcKey(r, t, b("k"), 29)), "nothing more to remove");
    }

    // ---- pessimistic transactions -------------------------------------------------------------------

    private void lockForUpdate(String key, String primary, long startTs, long forUpdateTs) {
        run((r, t) -> {
            PessimisticLock.acquire(r, t, b(key), b(primary), startTs, TTL, forUpdateTs, false);
            return null;
        });
    }

    private void prewritePessimistic(String key, String value, String primary, long startTs) {
        run((r, t) -> {
            Prewrite.prewritePessimistic(r, t, new Prewrite.Props(startTs, b(primary), TTL, 1, startTs + 1),
                    Prewrite.Op.PUT, b(key), b(value));
            return null;
        });
    }

    @Test
    void aPessimisticTransactionLocksThenPrewritesThenCommits() {
        prewrite("k", "v0", "k", 5);
        commit("k", 5, 6);
        lockForUpdate("k", "k", 10, 10);
        assertEquals("v0", get("k", 12), "a pessimistic lock hides nothing from readers");
        assertThrows(KeyIsLockedException.class, () -> lockForUpdate("k", "k", 11, 11), "another transaction waits");
        assertThrows(KeyIsLockedException.class, () -> prewrite("k", "x", "k", 11));
        assertThrows(TxnException.TxnLockNotFound.class, () -> commit("k", 10, 20), "nothing prewritten yet");
        lockForUpdate("k", "k", 10, 10); // idempotent
        prewritePessimistic("k", "v1", "k", 10);
        prewritePessimistic("k", "v1", "k", 10); // and again
        commit("k", 10, 20);
        assertEquals("v1", get("k", 20));
        assertThrows(TxnException.PessimisticLockNotFound.class, () -> prewritePessimistic("other", "v", "other", 30));
    }

    @Test
    void aWriteCommittedAfterForUpdateTsConflictsAndARetryWithANewerOneLocks() {
        prewrite("k", "v1", "k", 12);
        commit("k", 12, 15);
        TxnException.WriteConflict c = assertThrows(TxnException.WriteConflict.class, () -> lockForUpdate("k", "k", 10, 14));
        assertEquals(15, c.conflictCommitTs());
        lockForUpdate("k", "k", 10, 16); // the statement retried with a newer for_update_ts
        try (Snapshot s = engine.snapshot()) {
            assertEquals(16, new MvccReader(s).lock(b("k")).forUpdateTs());
        }
    }

    @Test
    void aPessimisticRollbackReleasesTheLockWithoutARecord() {
        lockForUpdate("k", "k", 10, 10);
        run((r, t) -> {
            PessimisticLock.rollback(r, t, b("k"), 10, 9);
            return null;
        });
        assertEquals(1, countCf(ColumnFamily.LOCK), "a rollback for an older for_update_ts leaves a newer lock");
        run((r, t) -> {
            PessimisticLock.rollback(r, t, b("k"), 10, 10);
            return null;
        });
        assertEquals(0, countCf(ColumnFamily.LOCK));
        assertEquals(0, countCf(ColumnFamily.WRITE), "no rollback record: the statement may lock again");
        lockForUpdate("k", "k", 10, 11);
    }
}
