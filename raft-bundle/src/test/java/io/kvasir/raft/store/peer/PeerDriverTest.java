package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.MessageType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftLocalState;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.core.RaftConfig;
import io.kvasir.raft.core.StateRole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver over a real RocksDB engine: single-voter regions, from bootstrap to restart. */
class PeerDriverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private KvEngine engine;
    private PeerDriver driver;
    private final PeerFixtures.ManualTicker ticker = new PeerFixtures.ManualTicker();
    private final Metapb.Region region = PeerFixtures.soloRegion(1, "", "");

    @BeforeEach
    void openEngine() {
        engine = PeerFixtures.openEngine(dir);
    }

    @AfterEach
    void closeAll() {
        if (driver != null) {
            driver.close();
        }
        engine.close();
    }

    private static PeerDriverConfig.Builder config() {
        return PeerDriverConfig.builder().tickMillis(10);
    }

    private PeerDriver start(PeerDriverConfig config) {
        driver = new PeerDriver(engine, config, ticker, RaftTransport.NONE);
        driver.start();
        return driver;
    }

    /** Closes the driver and the engine and opens both again, as after a process restart. */
    private PeerDriver restart(PeerDriverConfig config) {
        driver.close();
        engine.close();
        engine = PeerFixtures.openEngine(dir);
        return start(config);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure, but it completed");
    }

    /** Asks the driver until {@code condition} holds; each question waits for a pass of the loop. */
    private PeerStatus awaitStatus(long regionId, Predicate<PeerStatus> condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        PeerStatus st = await(driver.status(regionId));
        while (!condition.test(st)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached; last status " + st);
            }
            st = await(driver.status(regionId));
        }
        return st;
    }

    /** Leader with everything in its log persisted and applied. */
    private PeerStatus awaitSettled(long regionId) {
        return awaitStatus(regionId, st -> st.raft().role() == StateRole.LEADER && st.raft().commit() == st.lastLogIndex()
                && st.appliedIndex() == st.lastLogIndex());
    }

    private String get(String key) {
        byte[] v = engine.get(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw(key)));
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private RaftCmdRequest put(Metapb.Region r, String key, String value) {
        return PeerFixtures.command(r).put(key, value).build();
    }

    /** The commands in the region's log on disk, in index order. */
    private List<RaftCmdRequest> commandsInLog(long regionId) {
        List<RaftCmdRequest> out = new ArrayList<>();
        IterOptions range = IterOptions.range(LocalKeys.raftLogStart(regionId), LocalKeys.raftLogEnd(regionId));
        try (EngineIterator it = engine.newIterator(ColumnFamily.RAFT, range)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                Entry e = Entry.parseFrom(it.value());
                if (!e.getData().isEmpty()) {
                    out.add(RaftCmdRequest.parseFrom(e.getData()));
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    @Test
    void aNewRegionLeadsAtOnceAndAppliesAProposal() {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.propose(1, put(region, "k", "v")));
        assertEquals("v", get("k"), "a read after the future completes sees the write");
        PeerStatus st = awaitSettled(1);
        assertEquals(6, st.raft().term(), "the first election after TiKV's initial term 5");
        assertEquals(100, driver.leaderOf(1));
        assertEquals(6, st.firstLogIndex());
        assertEquals(st.appliedIndex(), PeerBootstrap.read(engine, LocalKeys.applyStateKey(1), RaftApplyState.parser())
                .getAppliedIndex());
    }

    @Test
    void concurrentProposalsAreAppliedExactlyOnceInOneOrder() throws Exception {
        start(config().raftLogGcCountLimit(1_000_000).build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        int threads = 8;
        int perThread = 150;
        List<Thread> producers = new ArrayList<>();
        List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            producers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String id = thread + "-" + i;
                    futures.add(driver.propose(1, PeerFixtures.command(region).put("key-" + id, id).put("shared", id).build()));
                }
            }));
        }
        producers.forEach(Thread::start);
        for (Thread p : producers) {
            p.join();
        }
        futures.forEach(PeerDriverTest::await);

        List<RaftCmdRequest> log = commandsInLog(1);
        assertEquals(threads * perThread, log.size(), "each command is in the log once");
        Set<String> seen = new HashSet<>();
        Map<Integer, Integer> lastOfThread = new HashMap<>();
        for (RaftCmdRequest cmd : log) {
            String id = cmd.getRequests(0).getPut().getValue().toStringUtf8();
            assertTrue(seen.add(id), "duplicate " + id);
            int thread = Integer.parseInt(id.substring(0, id.indexOf('-')));
            int i = Integer.parseInt(id.substring(id.indexOf('-') + 1));
            // One thread's proposals keep their order: the mailbox is FIFO and one thread drains it.
            assertTrue(lastOfThread.getOrDefault(thread, -1) < i, "thread " + thread + " out of order at " + i);
            lastOfThread.put(thread, i);
            assertEquals(id, get("key-" + id));
        }
        String lastInLog = log.get(log.size() - 1).getRequests(0).getPut().getValue().toStringUtf8();
        assertEquals(lastInLog, get("shared"), "the store applied the log in log order");
        assertEquals(threads * perThread, driver.stats().proposals());
    }

    @Test
    void proposalsArrivingDuringAWriteShareOneFsync() throws Exception {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        awaitSettled(1);
        // Hold the region's raft poller just after the log write of one proposal while 8 threads
        // propose: everything they send waits in the region's mailbox and goes out in its next round.
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        driver.afterPersistForTesting(() -> {
            if (entered.getCount() > 0) {
                entered.countDown();
                awaitLatch(release);
            }
        });
        CompletableFuture<Void> gate = driver.propose(1, put(region, "gate", "1"));
        assertTrue(entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        PeerDriverStats before = driver.stats();
        List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            producers.add(new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    futures.add(driver.propose(1, put(region, "k-" + thread + "-" + i, "v")));
                }
            }));
        }
        producers.forEach(Thread::start);
        for (Thread p : producers) {
            p.join();
        }
        release.countDown();
        await(gate);
        futures.forEach(PeerDriverTest::await);
        PeerDriverStats after = driver.stats();
        assertEquals(800, after.proposals() - before.proposals());
        assertEquals(1, after.syncedWrites() - before.syncedWrites(), "800 proposals, one fsync");
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aRestartBringsBackDataAndRaftState() {
        PeerDriverConfig config = config().build();
        start(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        for (int i = 0; i < 10; i++) {
            await(driver.propose(1, put(region, "k" + i, "v" + i)));
        }
        PeerStatus before = awaitSettled(1);

        restart(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        PeerStatus after = awaitSettled(1);
        assertEquals(before.raft().term() + 1, after.raft().term(), "a new election after restart");
        assertEquals(before.lastLogIndex() + 1, after.lastLogIndex(), "the log is back, plus the new leader's no-op");
        assertEquals(before.appliedIndex() + 1, after.appliedIndex());
        for (int i = 0; i < 10; i++) {
            assertEquals("v" + i, get("k" + i));
        }
        assertEquals(1, driver.stats().appliedEntries(), "only the new no-op: nothing applied is applied again");
        await(driver.propose(1, put(region, "k10", "v10")));
        assertEquals("v10", get("k10"));
    }

    @Test
    void entriesCommittedButNotAppliedAreAppliedOnceOnOpen() {
        PeerDriverConfig config = config().build();
        start(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.propose(1, put(region, "a", "0")));
        PeerStatus st = awaitSettled(1);
        driver.close();

        // A crash between persisting the log and applying it: three committed entries on disk,
        // the apply state still behind them.
        long term = st.raft().term();
        long last = st.lastLogIndex();
        List<RaftCmdRequest> cmds = List.of(put(region, "a", "1"), put(region, "b", "2"),
                PeerFixtures.command(region).delete("a").build());
        RaftLocalState raftState = PeerBootstrap.read(engine, LocalKeys.raftStateKey(1), RaftLocalState.parser());
        try (WriteBatch batch = engine.newWriteBatch()) {
            for (int i = 0; i < cmds.size(); i++) {
                long index = last + 1 + i;
                batch.put(ColumnFamily.RAFT, LocalKeys.raftLogKey(1, index), Entry.newBuilder().setIndex(index)
                        .setTerm(term).setData(cmds.get(i).toByteString()).build().toByteArray());
            }
            long newLast = last + cmds.size();
            batch.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(1), raftState.toBuilder().setLastIndex(newLast)
                    .setHardState(raftState.getHardState().toBuilder().setCommit(newLast)).build().toByteArray());
            engine.write(batch, WriteOptions.SYNC);
        }

        start(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        assertNull(get("a"), "replayed before open completes, in order");
        assertEquals("2", get("b"));
        PeerStatus after = awaitSettled(1);
        assertEquals(last + 4, after.appliedIndex(), "three replayed entries and the new leader's no-op");
        assertEquals(4, driver.stats().appliedEntries(), "each applied once");
        assertEquals(last + 4, PeerBootstrap.read(engine, LocalKeys.applyStateKey(1), RaftApplyState.parser())
                .getAppliedIndex());
    }

    @Test
    void anEntryTooLargeIsRefusedAndNothingIsWritten() {
        start(config().raftEntryMaxSize(1024).build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        PeerStatus before = awaitSettled(1);
        Throwable e = failure(driver.propose(1, PeerFixtures.command(region).putBytes("big", new byte[2000]).build()));
        PeerException.EntryTooLarge tooLarge = assertInstanceOf(PeerException.EntryTooLarge.class, e);
        assertEquals(1024, tooLarge.limit());
        assertTrue(tooLarge.entrySize() > 2000);
        assertNull(get("big"));
        PeerStatus after = awaitSettled(1);
        assertEquals(before.lastLogIndex(), after.lastLogIndex());
        assertEquals(0, driver.stats().proposals());
    }

    @Test
    void deleteRangeRemovesAHalfOpenRange() {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.propose(1, PeerFixtures.command(region).put("a", "1").put("b", "2").put("c", "3").put("d", "4").build()));
        await(driver.propose(1, PeerFixtures.command(region).deleteRange("b", "d").build()));
        assertEquals("1", get("a"));
        assertNull(get("b"));
        assertNull(get("c"));
        assertEquals("4", get("d"));
        await(driver.propose(1, PeerFixtures.command(region).deleteRange("a", "").build()));
        assertNull(get("a"));
        assertNull(get("d"));
    }

    @Test
    void logGcTruncatesBelowAppliedAndARestartAfterItWorks() {
        PeerDriverConfig config = config().raftLogGcCountLimit(20).raftLogGcKeepEntries(5).build();
        start(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        for (int i = 0; i < 60; i++) {
            await(driver.propose(1, put(region, "k" + i, "v" + i)));
        }
        PeerStatus st = awaitSettled(1);
        assertTrue(st.firstLogIndex() > 6, "the log was compacted: " + st);
        assertTrue(st.appliedIndex() - st.firstLogIndex() + 1 <= 20, "at most the limit is held: " + st);
        RaftApplyState apply = PeerBootstrap.read(engine, LocalKeys.applyStateKey(1), RaftApplyState.parser());
        assertEquals(st.firstLogIndex() - 1, apply.getTruncatedState().getIndex());
        try (EngineIterator it = engine.newIterator(ColumnFamily.RAFT,
                IterOptions.range(LocalKeys.raftLogStart(1), LocalKeys.raftLogEnd(1)))) {
            assertTrue(it.seekToFirst());
            assertEquals(st.firstLogIndex(), LocalKeys.raftLogIndex(1, it.key()), "nothing below the first index on disk");
        }

        restart(config);
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.propose(1, put(region, "k60", "v60")));
        for (int i = 0; i <= 60; i++) {
            assertEquals("v" + i, get("k" + i));
        }
    }

    @Test
    void aFailingRegionDoesNotStopTheOthers() {
        start(config().build());
        Metapb.Region left = PeerFixtures.soloRegion(1, "", "m");
        Metapb.Region right = PeerFixtures.soloRegion(2, "m", "");
        await(driver.open(left, PeerFixtures.selfOf(left)));
        await(driver.open(right, PeerFixtures.selfOf(right)));
        awaitSettled(1);
        awaitSettled(2);
        IllegalStateException boom = new IllegalStateException("injected apply failure");
        driver.beforeApplyForTesting(regionId -> {
            if (regionId == 1) {
                throw boom;
            }
        });
        PeerException.PeerFailed failed = assertInstanceOf(PeerException.PeerFailed.class,
                failure(driver.propose(1, put(left, "a", "1"))));
        assertSame(boom, failed.getCause());
        await(driver.propose(2, put(right, "n", "1")));
        assertEquals("1", get("n"));
        assertInstanceOf(PeerException.PeerFailed.class, failure(driver.propose(1, put(left, "b", "1"))));
        assertFalse(await(driver.status(1)).live());
        assertEquals(0, driver.leaderOf(1));

        // Reopened, the region replays the entry it had persisted but failed to apply.
        driver.beforeApplyForTesting(regionId -> { });
        await(driver.open(left, PeerFixtures.selfOf(left)));
        assertEquals("1", get("a"));
        await(driver.propose(1, put(left, "b", "2")));
        assertEquals("2", get("b"));
    }

    @Test
    void refusalsAnswerWithoutWriting() {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        PeerStatus before = awaitSettled(1);
        assertInstanceOf(PeerException.RegionNotFound.class, failure(driver.propose(9, put(region, "a", "1"))));
        PeerException.EpochNotMatch stale = assertInstanceOf(PeerException.EpochNotMatch.class,
                failure(driver.propose(1, PeerFixtures.command(region).put("a", "1").epochVersion(7).build())));
        assertEquals(region, stale.current());
        assertInstanceOf(PeerException.InvalidCommand.class,
                failure(driver.propose(1, PeerFixtures.command(region).put("raft", "a", "1").build())));
        assertEquals(before.lastLogIndex(), awaitSettled(1).lastLogIndex());
        assertNull(get("a"));
    }

    @Test
    void ticksKeepASoleVoterLeading() {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        PeerStatus before = awaitSettled(1);
        long ticksBefore = driver.stats().ticks();
        for (int i = 0; i < 50; i++) {
            ticker.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            await(driver.status(1)); // answered in a pass that ticks first
        }
        assertEquals(50, driver.stats().ticks() - ticksBefore, "one tick per tick interval of the clock");
        PeerStatus after = await(driver.status(1));
        assertEquals(StateRole.LEADER, after.raft().role());
        assertEquals(before.raft().term(), after.raft().term());
        await(driver.propose(1, put(region, "a", "1")));
    }

    @Test
    void aPeerOfAGroupWithOtherVotersWaitsForAnElectionAndSendsThroughTheTransport() {
        List<RaftMessage> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        driver = new PeerDriver(engine, config().build(), ticker, sent::add);
        driver.start();
        Metapb.Region pair = PeerFixtures.region(5).range("", "").voter(500).voter(600).build();
        await(driver.open(pair, PeerFixtures.selfOf(pair)));
        PeerException.NotLeader notLeader = assertInstanceOf(PeerException.NotLeader.class,
                failure(driver.propose(5, put(pair, "a", "1"))));
        assertEquals(0, notLeader.leaderPeerId());
        assertFalse(driver.isLeader(5));
        // Past twice the election timeout the peer campaigns (pre-vote first) and asks peer 600.
        for (int i = 0; i < 2 * RaftConfig.DEFAULT_ELECTION_TICK + 1; i++) {
            ticker.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
            await(driver.status(5));
        }
        await(driver.status(5)); // the pass after the last tick has handled its Ready
        RaftMessage m = sent.get(0);
        assertEquals(5, m.getRegionId());
        assertEquals(PeerFixtures.selfOf(pair), m.getFromPeer());
        assertEquals(pair.getPeers(1), m.getToPeer());
        assertEquals(pair.getRegionEpoch(), m.getRegionEpoch());
        assertEquals(MessageType.MsgRequestPreVote, m.getMessage().getMsgType());
        assertNull(get("a"));
    }

    @Test
    void closingARegionOrTheDriverAnswersLaterWork() {
        start(config().build());
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.close(1));
        assertInstanceOf(PeerException.RegionNotFound.class, failure(driver.propose(1, put(region, "a", "1"))));
        await(driver.open(region, PeerFixtures.selfOf(region)));
        await(driver.propose(1, put(region, "a", "1")));
        driver.close();
        assertInstanceOf(PeerException.Closed.class, failure(driver.propose(1, put(region, "b", "1"))));
        assertInstanceOf(PeerException.Closed.class, failure(driver.open(region, PeerFixtures.selfOf(region))));
        driver.close(); // idempotent
    }

    @Test
    void aRegionThisPeerIsNotAMemberOfIsNotOpened() {
        start(config().build());
        Metapb.Peer stranger = Metapb.Peer.newBuilder().setId(999).setStoreId(1).build();
        assertInstanceOf(IllegalArgumentException.class, failure(driver.open(region, stranger)));
        assertInstanceOf(PeerException.RegionNotFound.class, failure(driver.status(1)));
    }
}
