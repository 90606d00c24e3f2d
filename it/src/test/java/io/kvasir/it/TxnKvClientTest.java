package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tikv.common.ByteWrapper;
import org.tikv.common.BytePairWrapper;
import org.tikv.common.Snapshot;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.common.exception.GrpcException;
import org.tikv.common.exception.KeyException;
import org.tikv.common.exception.TiBatchWriteException;
import org.tikv.common.meta.TiTimestamp;
import org.tikv.common.util.ConcreteBackOffer;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.txn.KVClient;
import org.tikv.txn.TwoPhaseCommitter;
import org.tikv.txn.exception.WriteConflictException;

/**
 * The official TiKV Java client, unmodified, in TXN mode against {@code kvasir playground} (three
 * stores): Percolator transactions written with its {@link TwoPhaseCommitter} and read with its
 * {@link KVClient} and {@link Snapshot}, including the lock resolution a reader does for writers
 * that never finished (CLIENT-NEEDS section 7). Each test uses its own key prefix.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TxnKvClientTest {
    /** Budget of the committer's own retries, in ms: long enough for a leader election. */
    private static final int WRITE_BACKOFF_MS = 20_000;
    /** Budget for a write that is expected to fail: it retries a KeyError until this runs out. */
    private static final int DOOMED_BACKOFF_MS = 2_000;

    @TempDir
    static Path data;
    static Playground playground;
    static TiSession session;
    static KVClient kv;

    @BeforeAll
    static void startCluster() throws Exception {
        playground = Playground.start(data.resolve("playground"));
        TiConfiguration conf = TiConfiguration.createDefault(playground.pdAddress());
        // Forwarding stays on, as clients run it: after one attempt past its 200 ms deadline (a busy
        // 2-core box) the client sends the region's requests through another store with
        // tikv-forwarded-host, and that store must proxy them.
        session = TiSession.create(conf);
        kv = session.createKVClient();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (kv != null) {
            kv.close();
        }
        if (session != null) {
            session.close();
        }
        if (playground != null) {
            int exit = playground.stop();
            assertTrue(exit == 0 || exit == 143, "exit " + exit + ":\n" + playground.output());
            playground.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long now() {
        return session.getTimestamp().getVersion();
    }

    /** {@code key=value} pairs in order; the first is the transaction's primary. */
    static LinkedHashMap<String, String> pairs(String... keysAndValues) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    /** Prewrites every pair as the client does: the primary alone first, then the secondaries. */
    static void prewrite(TwoPhaseCommitter committer, Map<String, String> pairs, int backoffMs) {
        Iterator<Map.Entry<String, String>> it = pairs.entrySet().iterator();
        Map.Entry<String, String> primary = it.next();
        committer.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(backoffMs), bytes(primary.getKey()),
                bytes(primary.getValue()));
        List<BytePairWrapper> secondaries = new ArrayList<>();
        it.forEachRemaining(e -> secondaries.add(new BytePairWrapper(bytes(e.getKey()), bytes(e.getValue()))));
        committer.prewriteSecondaryKeys(bytes(primary.getKey()), secondaries.iterator(), backoffMs);
    }

    static void commitPrimary(TwoPhaseCommitter committer, Map<String, String> pairs, long commitTs) {
        committer.commitPrimaryKey(ConcreteBackOffer.newCustomBackOff(WRITE_BACKOFF_MS),
                bytes(pairs.keySet().iterator().next()), commitTs);
    }

    static void commitSecondaries(TwoPhaseCommitter committer, Map<String, String> pairs, long commitTs) {
        List<ByteWrapper> secondaries = new ArrayList<>();
        pairs.keySet().stream().skip(1).forEach(k -> secondaries.add(new ByteWrapper(bytes(k))));
        committer.commitSecondaryKeys(secondaries.iterator(), commitTs, WRITE_BACKOFF_MS);
    }

    /** A whole transaction, committed; returns its commit_ts. */
    static long transact(Map<String, String> pairs) throws Exception {
        try (TwoPhaseCommitter committer = new TwoPhaseCommitter(session, now())) {
            prewrite(committer, pairs, WRITE_BACKOFF_MS);
            long commitTs = now();
            commitPrimary(committer, pairs, commitTs);
            commitSecondaries(committer, pairs, commitTs);
            return commitTs;
        }
    }

    /** The value of {@code key} at {@code version}; {@code ""} when absent (the client cannot tell them apart). */
    static String get(String key, long version) {
        return kv.get(bs(key), version).toStringUtf8();
    }

    /** Every key of {@code [start, end)} visible at {@code version}, as {@code key=value}, in key order. */
    static List<String> scan(String start, String end, long version) {
        return kv.scan(bs(start), bs(end), version).stream()
                .map(p -> p.getKey().toStringUtf8() + "=" + p.getValue().toStringUtf8()).toList();
    }

    static List<String> batchGet(List<String> keys, long version) {
        List<ByteString> wanted = new ArrayList<>();
        keys.forEach(k -> wanted.add(bs(k)));
        // Pairs come back in any order (per region, in parallel): sorted by key, as a scan answers them.
        return kv.batchGet(ConcreteBackOffer.newCustomBackOff(WRITE_BACKOFF_MS), wanted, version).stream()
                .sorted(Comparator.comparing(p -> p.getKey().toStringUtf8()))
                .map(p -> p.getKey().toStringUtf8() + "=" + p.getValue().toStringUtf8()).toList();
    }

    /** {@code key=value} in key order (ASCII keys: the order of their bytes, which scans follow). */
    static List<String> asStrings(Map<String, String> pairs) {
        return new TreeMap<>(pairs).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** Every exception in the chain, class and message, to check why the client failed. */
    static String causes(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t).append(" | ");
        }
        return all.toString();
    }

    /** The key error a store answered, found among the causes of what the client threw. */
    static Kvrpcpb.KeyError keyErrorIn(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof KeyException k && k.getKeyErr() != null) {
                return k.getKeyErr();
            }
        }
        throw new AssertionError("no KeyError from the store behind " + thrown, thrown);
    }

    // ---- scenarios ----------------------------------------------------------------------------------

    @Test
    void aCommittedTransactionIsSeenWholeAfterItsCommitAndNotAtAllBefore() throws Exception {
        LinkedHashMap<String, String> txn = pairs("commit/p", "1", "commit/a", "2", "commit/b", "3", "commit/c", "4");
        long before = now();
        long commitTs = transact(txn);

        Snapshot later = session.createSnapshot();
        assertTrue(later.getVersion() > commitTs);
        for (Map.Entry<String, String> e : txn.entrySet()) {
            assertEquals(e.getValue(), later.get(bs(e.getKey())).toStringUtf8(), e.getKey());
        }
        List<byte[]> keys = new ArrayList<>();
        txn.keySet().forEach(k -> keys.add(bytes(k)));
        Map<String, String> snapshotBatch = new TreeMap<>();
        later.batchGet(WRITE_BACKOFF_MS, keys).forEach(p -> snapshotBatch.put(
                new String(p.getKey(), StandardCharsets.UTF_8), new String(p.getValue(), StandardCharsets.UTF_8)));
        assertEquals(asStrings(txn), asStrings(snapshotBatch));
        assertEquals(asStrings(txn), batchGet(new ArrayList<>(txn.keySet()), commitTs),
                "a write at exactly the read ts is visible");
        assertEquals(asStrings(txn), scan("commit/", "commit0", later.getVersion()));

        for (long readTs : new long[] {before, commitTs - 1}) {
            for (String key : txn.keySet()) {
                assertEquals("", get(key, readTs), key + " at " + readTs);
            }
            assertEquals(List.of(), batchGet(new ArrayList<>(txn.keySet()), readTs));
            assertEquals(List.of(), scan("commit/", "commit0", readTs));
        }
    }

    /** A committed write newer than a transaction's start conflicts with its prewrite. */
    @Test
    void ofTwoTransactionsWritingOneKeyTheSecondToCommitFails() throws Exception {
        LinkedHashMap<String, String> first = pairs("conflict/k", "first", "conflict/x", "first");
        LinkedHashMap<String, String> second = pairs("conflict/k", "second", "conflict/y", "second");
        try (TwoPhaseCommitter a = new TwoPhaseCommitter(session, now());
             TwoPhaseCommitter b = new TwoPhaseCommitter(session, now())) {
            prewrite(a, first, WRITE_BACKOFF_MS);
            long commitTs = now();
            commitPrimary(a, first, commitTs);
            commitSecondaries(a, first, commitTs);

            TiBatchWriteException e = assertThrows(TiBatchWriteException.class,
                    () -> prewrite(b, second, DOOMED_BACKOFF_MS), "prewrite after a newer commit of the same key");
            // The client keeps only the text of a prewrite's KeyError: TiKV's WriteConflict prints as "conflict {".
            assertTrue(causes(e).contains("conflict {"), "answered with a WriteConflict: " + causes(e));
        }
        long readTs = now();
        assertEquals("first", get("conflict/k", readTs));
        assertEquals("", get("conflict/y", readTs), "the failed transaction wrote nothing");
        assertEquals(List.of("conflict/k=first", "conflict/x=first"), scan("conflict/", "conflict0", readTs),
                "and left no lock behind (a lock would make this read wait, then fail)");
    }

    /** Both in flight at once: the older one meets the younger one's live lock and gives up at once. */
    @Test
    void ofTwoConcurrentTransactionsTheOneMeetingALiveLockFails() throws Exception {
        LinkedHashMap<String, String> older = pairs("race/k", "older");
        LinkedHashMap<String, String> younger = pairs("race/k", "younger", "race/z", "younger");
        long olderStart = now();
        try (TwoPhaseCommitter o = new TwoPhaseCommitter(session, olderStart);
             TwoPhaseCommitter y = new TwoPhaseCommitter(session, now())) {
            prewrite(y, younger, WRITE_BACKOFF_MS);
            TiBatchWriteException e = assertThrows(TiBatchWriteException.class,
                    () -> prewrite(o, older, WRITE_BACKOFF_MS), "the younger transaction's lock is alive: the older one must not wait for it");
            assertTrue(causes(e).contains(WriteConflictException.class.getName()),
                    "the client's own verdict on a younger live lock: " + causes(e));
            long commitTs = now();
            commitPrimary(y, younger, commitTs);
            commitSecondaries(y, younger, commitTs);
        }
        assertEquals(List.of("race/k=younger", "race/z=younger"), scan("race/", "race0", now()));
    }

    /**
     * A writer that prewrote and died: once its lock's TTL has passed, a reader rolls it back
     * (CheckTxnStatus on the primary, then ResolveLock) and reads what was there before; the
     * rollback is final, so the writer can no longer commit.
     */
    @Test
    void anAbandonedTransactionIsRolledBackByAReaderOnceItsTtlPassed() throws Exception {
        long ttlMs = 2_000;
        LinkedHashMap<String, String> old = pairs("abandon/p", "old-p", "abandon/s1", "old-s1", "abandon/s2", "old-s2");
        transact(old);
        LinkedHashMap<String, String> abandoned =
                pairs("abandon/p", "new-p", "abandon/s1", "new-s1", "abandon/s2", "new-s2");
        long abandonedStart = now();
        try (TwoPhaseCommitter writer = new TwoPhaseCommitter(session, abandonedStart, ttlMs)) {
            prewrite(writer, abandoned, WRITE_BACKOFF_MS);
        }
        awaitTsoPhysicalPast(TiTimestamp.extractPhysical(abandonedStart) + ttlMs);

        long readTs = now();
        assertEquals("old-s1", get("abandon/s1", readTs), "a secondary: resolved through its primary");
        assertEquals("old-p", get("abandon/p", readTs));
        assertEquals(asStrings(old), scan("abandon/", "abandon0", readTs));

        try (TwoPhaseCommitter late = new TwoPhaseCommitter(session, abandonedStart, ttlMs)) {
            long commitTs = now();
            // The client retries the store's KeyError until its budget ends, then throws "retry is exhausted".
            GrpcException refused = assertThrows(GrpcException.class, () -> late.commitPrimaryKey(
                    ConcreteBackOffer.newCustomBackOff(DOOMED_BACKOFF_MS), bytes("abandon/p"), commitTs),
                    "a rolled-back transaction cannot commit");
            Kvrpcpb.KeyError why = keyErrorIn(refused);
            assertTrue(!why.hasLocked() && !why.toString().isEmpty(), "TiKV's TxnLockNotFound, not a lock: " + why);
        }
        assertEquals(asStrings(old), scan("abandon/", "abandon0", now()));
    }

    /** A writer that died after committing its primary: readers finish the commit on its secondaries. */
    @Test
    void secondariesOfACommittedPrimaryAreCommittedByTheirReader() throws Exception {
        LinkedHashMap<String, String> txn = pairs("primary/p", "1", "primary/s1", "2", "primary/s2", "3");
        long commitTs;
        try (TwoPhaseCommitter writer = new TwoPhaseCommitter(session, now())) {
            prewrite(writer, txn, WRITE_BACKOFF_MS);
            commitTs = now();
            commitPrimary(writer, txn, commitTs);
        }
        long readTs = now();
        assertEquals("2", get("primary/s1", readTs), "resolved by commit, though its lock lives for an hour");
        assertEquals(asStrings(txn), batchGet(new ArrayList<>(txn.keySet()), readTs));
        assertEquals(asStrings(txn), scan("primary/", "primary0", readTs));
        assertEquals(List.of(), scan("primary/", "primary0", commitTs - 1), "committed at the primary's commit_ts");
    }

    /** TXN-mode split (SplitRegion, is_raw_kv = false), then one transaction over every piece. */
    @Test
    void aTransactionOverSeveralRegionsCommitsAndAScanCrossesThemAll() throws Exception {
        long regionsBefore = PdRegions.count(playground.pdAddress());
        List<String> splitKeys = List.of("multi/b", "multi/d", "multi/f");
        List<byte[]> split = new ArrayList<>();
        splitKeys.forEach(k -> split.add(bytes(k)));
        session.splitRegionAndScatter(split);
        assertTrue(PdRegions.count(playground.pdAddress()) >= regionsBefore + splitKeys.size(),
                "PD knows the new regions");

        LinkedHashMap<String, String> txn = pairs("multi/a", "1", "multi/a2", "2", "multi/c", "3", "multi/d", "4",
                "multi/e", "5", "multi/g", "6", "multi/z", "7");
        Set<Long> regions = new HashSet<>();
        for (String key : txn.keySet()) {
            regions.add(session.getRegionManager().getRegionByKey(bs(key)).getId());
        }
        assertEquals(4, regions.size(), "the transaction's keys lie in four regions");

        long commitTs = transact(txn);
        List<String> expected = asStrings(txn);
        assertEquals(expected, scan("multi/", "multi0", now()));
        assertEquals(expected, batchGet(new ArrayList<>(txn.keySet()), now()));
        assertEquals(List.of(), scan("multi/", "multi0", commitTs - 1));
        assertEquals(List.of("multi/c=3", "multi/d=4", "multi/e=5"), scan("multi/c", "multi/f", now()),
                "a scan from inside one region to inside another");
    }

    /** Waits for PD's clock, the one lock TTLs are measured by, to pass {@code physicalMs}. */
    private static void awaitTsoPhysicalPast(long physicalMs) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TiTimestamp.extractPhysical(now()) <= physicalMs) {
            assertTrue(System.nanoTime() < deadline, "PD's clock did not pass " + physicalMs);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
