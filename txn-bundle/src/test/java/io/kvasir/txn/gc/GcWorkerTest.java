package io.kvasir.txn.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.txn.percolator.TxnKv;
import io.kvasir.txn.raw.FakeRegionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's GC worker over one region on a real engine: locks older than the safe point are
 * settled through their primaries and resolved before old versions go, a region with a lock it
 * cannot settle is left for the next round, and a round already complete is not run again.
 */
class GcWorkerTest {
    private static final long SAFE_POINT = 100;

    @TempDir
    Path dir;
    KvEngine engine;
    FakeRegionStore store;
    TxnKv txn;
    final AtomicLong pdSafePoint = new AtomicLong();
    final FakeFates fates = new FakeFates();
    final GcProgress progress = new GcProgress();
    GcWorker worker;

    /** Fates decided by the test; a transaction without one cannot be settled. */
    static final class FakeFates implements TxnFates {
        final Map<Long, Long> commitTs = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public synchronized long settle(byte[] primary, long startTs) throws Unsettled {
            asked.add(new String(primary) + "@" + startTs);
            Long ts = commitTs.get(startTs);
            if (ts == null) {
                throw new Unsettled("no fate for " + startTs);
            }
            return ts;
        }
    }

    @BeforeEach
    void open() {
        engine = RocksDbEngine.open(dir.resolve("db"), RocksDbOptions.defaults());
        store = FakeRegionStore.wholeKeySpace(engine);
        txn = new TxnKv(store);
        worker = new GcWorker(store, txn, pdSafePoint::get, fates, progress);
    }

    @AfterEach
    void close() {
        worker.close();
        txn.close();
        engine.close();
    }

    private static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private void prewrite(long startTs, String primary, String... keysAndValues) {
        Kvrpcpb.PrewriteRequest.Builder r = Kvrpcpb.PrewriteRequest.newBuilder().setContext(store.context())
                .setPrimaryLock(b(primary)).setStartVersion(startTs).setLockTtl(3000);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            r.addMutations(Kvrpcpb.Mutation.newBuilder().setOp(Kvrpcpb.Op.Put).setKey(b(keysAndValues[i]))
                    .setValue(b(keysAndValues[i + 1])));
        }
        assertEquals(0, txn.prewrite(r.build()).join().getErrorsCount());
    }

    private void commit(long startTs, long commitTs, String... keys) {
        Kvrpcpb.CommitRequest.Builder r = Kvrpcpb.CommitRequest.newBuilder().setContext(store.context())
                .setStartVersion(startTs).setCommitVersion(commitTs);
        for (String k : keys) {
            r.addKeys(b(k));
        }
        assertFalse(txn.commit(r.build()).join().hasError());
    }

    private void put(long startTs, long commitTs, String key, String value) {
        prewrite(startTs, key, key, value);
        commit(startTs, commitTs, key);
    }

    private Kvrpcpb.MvccInfo mvcc(String key) {
        return txn.mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest.newBuilder().setContext(store.context()).setKey(b(key))
                .build()).join().getInfo();
    }

    private List<Long> commitTsOf(String key) {
        return mvcc(key).getWritesList().stream().map(Kvrpcpb.MvccWrite::getCommitTs).toList();
    }

    private boolean locked(String key) {
        return mvcc(key).hasLock();
    }

    @Test
    void locksBelowTheSafePointAreSettledAndResolvedBeforeOldVersionsGo() throws Exception {
        put(10, 11, "a", "v1");
        put(20, 21, "a", "v2");
        put(30, 31, "a", "v3");
        prewrite(40, "p", "p", "1", "s", "2");
        commit(40, 41, "p");                 // the secondary s is left locked: its primary committed
        prewrite(50, "elsewhere", "x", "1"); // abandoned; its primary lives in another region
        prewrite(60, "y", "y", "1");         // a transaction GC cannot settle this round
        prewrite(200, "z", "z", "1");        // above the safe point: not GC's business
        fates.commitTs.put(40L, 41L);
        fates.commitTs.put(50L, 0L);
        pdSafePoint.set(SAFE_POINT);

        worker.poll();

        assertFalse(locked("s"), "committed by resolution");
        assertEquals(List.of(41L), commitTsOf("s"));
        assertFalse(locked("x"), "rolled back by resolution");
        assertTrue(locked("y"), "could not be settled: still locked");
        assertTrue(locked("z"), "above the safe point");
        assertEquals(List.of(31L, 21L, 11L), commitTsOf("a"), "a region with an unsettled lock is not collected yet");
        assertEquals(0, progress.regionSafePoint(1));
        assertFalse(fates.asked.contains("z@200"));

        fates.commitTs.put(60L, 0L);
        worker.poll(); // same safe point: the last round left a region undone, so it runs again

        assertFalse(locked("y"));
        assertEquals(List.of(31L), commitTsOf("a"), "only the version a read at the safe point sees is left");
        assertEquals(SAFE_POINT, progress.regionSafePoint(1));
        assertEquals(SAFE_POINT, progress.targetSafePoint());
        assertEquals(3, progress.locksResolved());
        assertEquals(2, progress.rounds());

        worker.poll();
        assertEquals(2, progress.rounds(), "nothing left to do until PD's safe point moves");
    }

    @Test
    void aStoreGoesOnlyOverTheRegionsItLeads() throws Exception {
        put(10, 11, "a", "v1");
        put(20, 21, "a", "v2");
        store.leader = false;
        pdSafePoint.set(SAFE_POINT);

        worker.poll();

        assertEquals(List.of(21L, 11L), commitTsOf("a"));
        assertTrue(progress.regionSafePoints().isEmpty());
    }

    @Test
    void nothingRunsBeforePdHasASafePoint() throws Exception {
        put(10, 11, "a", "v1");
        put(20, 21, "a", "v2");
        worker.poll();
        assertEquals(0, progress.rounds());
        assertEquals(List.of(21L, 11L), commitTsOf("a"));
    }

    @Test
    void locksArePagedThroughInBatches() throws Exception {
        int locks = GcWorker.LOCK_BATCH * 2 + 7;
        for (int i = 0; i < locks; i++) {
            prewrite(1000 + i, String.format("k%04d", i), String.format("k%04d", i), "v");
            fates.commitTs.put(1000L + i, 0L);
        }
        pdSafePoint.set(5000);

        worker.poll();

        assertEquals(locks, progress.locksResolved());
        for (int i = 0; i < locks; i += 97) {
            assertFalse(locked(String.format("k%04d", i)));
        }
        assertEquals(5000, progress.regionSafePoint(1));
    }
}
