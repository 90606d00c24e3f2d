package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb.RaftCmdRequest;
import io.kvasir.kvproto.RaftServerpb.RaftApplyState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.raft.api.DataKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {

    @TempDir
    Path dir;
    private KvEngine engine;
    private final Metapb.Region region = PeerFixtures.region(2).range("b", "m").version(3).voter(200).build();
    private Applier applier;
    private long nextIndex = 6;

    @BeforeEach
    void setUp() {
        engine = PeerFixtures.openEngine(dir);
        RaftTruncatedState truncated = RaftTruncatedState.newBuilder().setIndex(5).setTerm(5).build();
        applier = new Applier(engine, region,
                RaftApplyState.newBuilder().setAppliedIndex(5).setTruncatedState(truncated).build());
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private Entry entry(RaftCmdRequest cmd) {
        return Entry.newBuilder().setIndex(nextIndex++).setTerm(6).setData(cmd.toByteString()).build();
    }

    /** Applies {@code entries} as the peer does: one batch with the apply state. */
    private List<Applier.Outcome> apply(Entry... entries) {
        try (WriteBatch batch = engine.newWriteBatch()) {
            List<Applier.Outcome> outcomes = applier.stage(batch, List.of(entries));
            RaftApplyState next = applier.stageState(batch, applier.state().getTruncatedState());
            engine.write(batch, WriteOptions.NO_SYNC);
            applier.applied(next);
            return outcomes;
        }
    }

    private String get(ColumnFamily cf, String key) {
        byte[] v = engine.get(cf, DataKeys.data(PeerFixtures.raw(key)));
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
    }

    private RaftApplyState persistedApplyState() {
        return PeerBootstrap.read(engine, LocalKeys.applyStateKey(2), RaftApplyState.parser());
    }

    @Test
    void commandsWriteDataKeysInTheirColumnFamiliesWithTheApplyState() {
        List<Applier.Outcome> outcomes = apply(
                entry(PeerFixtures.command(region).put("c", "1").put("lock", "c", "L").put("write", "c", "W").build()),
                Entry.newBuilder().setIndex(nextIndex++).setTerm(6).build(), // a leader's no-op
                entry(PeerFixtures.command(region).delete("c").build()));
        assertEquals(3, outcomes.size());
        outcomes.forEach(o -> assertNull(o.error()));
        assertNull(get(ColumnFamily.DEFAULT, "c"));
        assertEquals("L", get(ColumnFamily.LOCK, "c"));
        assertEquals("W", get(ColumnFamily.WRITE, "c"));
        assertEquals(8, applier.appliedIndex());
        assertEquals(8, persistedApplyState().getAppliedIndex());
    }

    @Test
    void aStaleEpochIsAnsweredWithoutApplyingAndTheIndexAdvances() {
        RaftCmdRequest stale = PeerFixtures.command(region).put("c", "1").epochVersion(2).build();
        List<Applier.Outcome> outcomes = apply(entry(stale));
        PeerException.EpochNotMatch e = assertInstanceOf(PeerException.EpochNotMatch.class, outcomes.get(0).error());
        assertEquals(region, e.current());
        assertNull(get(ColumnFamily.DEFAULT, "c"));
        assertEquals(6, persistedApplyState().getAppliedIndex());
    }

    @Test
    void aCommandWithOneBadRequestChangesNothing() {
        RaftCmdRequest cmd = PeerFixtures.command(region).put("c", "1").put("raft", "d", "x").build();
        assertInstanceOf(PeerException.InvalidCommand.class, apply(entry(cmd)).get(0).error());
        assertNull(get(ColumnFamily.DEFAULT, "c"));
        RaftCmdRequest outside = PeerFixtures.command(region).put("c", "1").put("z", "x").build();
        assertInstanceOf(PeerException.KeyNotInRegion.class, apply(entry(outside)).get(0).error());
        assertNull(get(ColumnFamily.DEFAULT, "c"));
        Entry garbage = Entry.newBuilder().setIndex(nextIndex++).setTerm(6).setData(ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
        assertInstanceOf(PeerException.InvalidCommand.class, apply(garbage).get(0).error());
        assertEquals(8, persistedApplyState().getAppliedIndex());
    }

    @Test
    void deleteRangeIsHalfOpenAndAnEmptyEndStopsAtTheRegionsEnd() {
        // A key past the region's end, written directly, must survive a range delete to "the end".
        engine.put(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("x")), PeerFixtures.raw("outside"), WriteOptions.SYNC);
        apply(entry(PeerFixtures.command(region).put("c", "1").put("d", "2").put("e", "3").put("f", "4").build()));
        apply(entry(PeerFixtures.command(region).deleteRange("d", "f").build()));
        assertEquals("1", get(ColumnFamily.DEFAULT, "c"));
        assertNull(get(ColumnFamily.DEFAULT, "d"));
        assertNull(get(ColumnFamily.DEFAULT, "e"));
        assertEquals("4", get(ColumnFamily.DEFAULT, "f"));
        apply(entry(PeerFixtures.command(region).deleteRange("c", "").build()));
        assertNull(get(ColumnFamily.DEFAULT, "c"));
        assertNull(get(ColumnFamily.DEFAULT, "f"));
        assertEquals("outside", get(ColumnFamily.DEFAULT, "x"));
        RaftCmdRequest pastEnd = PeerFixtures.command(region).deleteRange("c", "y").build();
        assertInstanceOf(PeerException.KeyNotInRegion.class, apply(entry(pastEnd)).get(0).error());
    }

    @Test
    void entriesMustFollowTheAppliedIndex() {
        nextIndex = 7;
        Entry skipped = entry(PeerFixtures.command(region).put("c", "1").build());
        try (WriteBatch batch = engine.newWriteBatch()) {
            assertThrows(IllegalStateException.class, () -> applier.stage(batch, List.of(skipped)));
        }
    }

    @Test
    void aMembershipChangeOnlyAdvancesTheIndex() {
        List<Entry> ents = new ArrayList<>();
        ents.add(Entry.newBuilder().setIndex(nextIndex++).setTerm(6).setEntryType(EntryType.EntryConfChangeV2).build());
        apply(ents.toArray(new Entry[0]));
        assertEquals(6, persistedApplyState().getAppliedIndex());
    }
}
