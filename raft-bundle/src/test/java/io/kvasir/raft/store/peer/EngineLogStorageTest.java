package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftLocalState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.raft.core.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.kvasir.raft.store.snap.SnapshotPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineLogStorageTest {

    private static final long REGION = 3;

    @TempDir
    Path dir;
    private KvEngine engine;
    private final Metapb.Region region = PeerFixtures.soloRegion(REGION, "", "");

    @BeforeEach
    void openEngine() {
        engine = PeerFixtures.openEngine(dir);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    /** The storage as a restarted peer sees it: from what the engine holds. */
    private EngineLogStorage load() {
        PeerBootstrap.InitialState init = PeerBootstrap.loadOrBootstrap(engine, new SnapshotPaths(dir.resolve("snap")), region,
                PeerFixtures.selfOf(region));
        return new EngineLogStorage(engine, REGION, ConfStates.fromRegion(init.region()), init.raftState(),
                init.applyState().getTruncatedState(), 4);
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(Entry.newBuilder().setIndex(i).setTerm(term).setData(PeerFixtures.bytes("e" + i)).build());
        }
        return out;
    }

    private void persist(EngineLogStorage s, List<Entry> ents, HardState hs) {
        EngineLogStorage.Staged staged = s.stage(ents, hs);
        try (WriteBatch batch = engine.newWriteBatch()) {
            staged.addTo(batch);
            engine.write(batch, WriteOptions.SYNC);
        }
        s.persisted(staged);
    }

    @Test
    void aNewRegionStartsAfterTiKvsInitialIndex() {
        EngineLogStorage s = load();
        assertEquals(6, s.firstIndex());
        assertEquals(5, s.lastIndex());
        assertEquals(5, s.term(5));
        assertEquals(HardState.newBuilder().setTerm(5).setCommit(5).build(), s.initialState().hardState());
        assertEquals(List.of(PeerFixtures.selfOf(region).getId()), s.initialState().confState().getVotersList());
        assertEquals(List.of(), s.entries(6, 6, Long.MAX_VALUE));
        assertThrows(StorageException.Compacted.class, () -> s.term(4));
        assertThrows(StorageException.Unavailable.class, () -> s.term(6));
        assertThrows(StorageException.SnapshotTemporarilyUnavailable.class, s::snapshot);
    }

    @Test
    void entriesAndHardStateSurviveARestart() {
        EngineLogStorage s = load();
        HardState hs = HardState.newBuilder().setTerm(6).setVote(300).setCommit(10).build();
        persist(s, entries(6, 10, 6), hs);
        assertEquals(10, s.lastIndex());

        EngineLogStorage reloaded = load(); // nothing cached: everything comes from the engine
        assertEquals(hs, reloaded.initialState().hardState());
        assertEquals(10, reloaded.lastIndex());
        assertEquals(6, reloaded.term(8));
        assertEquals(entries(7, 9, 6), reloaded.entries(7, 10, Long.MAX_VALUE));
        assertEquals(1, reloaded.entries(7, 10, 1).size(), "at least one entry however small the budget");
        assertThrows(StorageException.Unavailable.class, () -> reloaded.entries(7, 12, Long.MAX_VALUE));
    }

    @Test
    void aConflictingSuffixIsReplacedAndItsTailDeleted() {
        EngineLogStorage s = load();
        persist(s, entries(6, 10, 6), HardState.newBuilder().setTerm(6).setCommit(7).build());
        persist(s, entries(9, 9, 7), HardState.newBuilder().setTerm(7).setCommit(7).build());
        assertEquals(9, s.lastIndex());
        assertEquals(7, s.term(9));
        assertNull(engine.get(ColumnFamily.RAFT, LocalKeys.raftLogKey(REGION, 10)), "the deposed tail is gone from disk");
        assertEquals(9, load().lastIndex());
        assertEquals(7, load().term(9));
    }

    @Test
    void entriesThatDoNotJoinTheLogAreRefused() {
        EngineLogStorage s = load();
        assertThrows(IllegalStateException.class, () -> s.stage(entries(8, 9, 6), null));
        assertThrows(IllegalStateException.class, () -> s.stage(entries(5, 6, 6), null));
    }

    @Test
    void compactionDeletesEntriesAndMovesTheFirstIndex() {
        EngineLogStorage s = load();
        persist(s, entries(6, 12, 6), HardState.newBuilder().setTerm(6).setCommit(12).build());
        RaftTruncatedState truncated;
        try (WriteBatch batch = engine.newWriteBatch()) {
            truncated = s.stageCompaction(batch, 9);
            // The truncated state lives in the apply state, written in the same batch.
            batch.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(REGION), RaftApplyState.newBuilder()
                    .setAppliedIndex(12).setTruncatedState(truncated).build().toByteArray());
            engine.write(batch, WriteOptions.SYNC);
        }
        s.compacted(truncated);
        assertEquals(RaftTruncatedState.newBuilder().setIndex(9).setTerm(6).build(), truncated);
        assertEquals(10, s.firstIndex());
        assertEquals(6, s.term(9));
        assertThrows(StorageException.Compacted.class, () -> s.entries(9, 11, Long.MAX_VALUE));
        for (long i = 6; i <= 9; i++) {
            assertNull(engine.get(ColumnFamily.RAFT, LocalKeys.raftLogKey(REGION, i)), "entry " + i);
        }
        assertNotNull(engine.get(ColumnFamily.RAFT, LocalKeys.raftLogKey(REGION, 10)));
        EngineLogStorage reloaded = load();
        assertEquals(10, reloaded.firstIndex());
        assertEquals(entries(10, 12, 6), reloaded.entries(10, 13, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> {
            try (WriteBatch batch = engine.newWriteBatch()) {
                reloaded.stageCompaction(batch, 9);
            }
        });
    }

    @Test
    void aMissingEntryIsReportedNotSkipped() {
        EngineLogStorage s = load();
        persist(s, entries(6, 9, 6), HardState.newBuilder().setTerm(6).setCommit(9).build());
        engine.delete(ColumnFamily.RAFT, LocalKeys.raftLogKey(REGION, 7), WriteOptions.SYNC);
        EngineLogStorage reloaded = load();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> reloaded.entries(6, 10, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("entry 7 is missing"), e.getMessage());
    }

    @Test
    void inconsistentPersistedStatesAreRefused() {
        load();
        engine.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(REGION), RaftLocalState.newBuilder()
                .setHardState(HardState.newBuilder().setTerm(5).setCommit(4)).setLastIndex(5).build().toByteArray(),
                WriteOptions.SYNC);
        IllegalStateException e = assertThrows(IllegalStateException.class, this::load);
        assertTrue(e.getMessage().contains("applied (5) <= commit (4)"), e.getMessage());
    }
}
