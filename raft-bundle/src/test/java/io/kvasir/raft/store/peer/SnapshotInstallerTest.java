package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.KeyRange;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.engine.api.SnapshotManifest;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftServerpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installing a leader's region snapshot on a follower, and finishing one a crash interrupted. */
class SnapshotInstallerTest {

    @TempDir
    Path dir;

    private final Metapb.Region region = PeerFixtures.soloRegion(7, "b", "m");

    /** Leader-side files of the region as {@code leader} holds it, in the received place of {@code paths}. */
    private Eraftpb.Snapshot received(KvEngine leader, SnapshotPaths paths, long term, long index) {
        KeyRange range = KeyRange.of(DataKeys.data(region.getStartKey().toByteArray()),
                DataKeys.dataEnd(region.getEndKey().toByteArray()));
        SnapshotManifest manifest;
        try (Snapshot view = leader.snapshot()) {
            manifest = leader.exportSnapshot(view, range, ColumnFamily.DATA, paths.received(new SnapKey(7, term, index)));
        }
        RaftServerpb.SnapshotMeta.Builder meta = RaftServerpb.SnapshotMeta.newBuilder();
        manifest.files().forEach(f -> meta.addCfFiles(RaftServerpb.SnapshotCFFile.newBuilder()
                .setCf(f.cf().cfName()).setSize(f.size()).setChecksum(f.checksum())));
        return Eraftpb.Snapshot.newBuilder()
                .setData(RaftServerpb.RaftSnapshotData.newBuilder().setRegion(region).setMeta(meta).build().toByteString())
                .setMetadata(Eraftpb.SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                        .setConfState(ConfStates.fromRegion(region)))
                .build();
    }

    @Test
    void aSnapshotReplacesTheRangeAndMovesEveryStateToItsIndex() {
        try (KvEngine leader = PeerFixtures.openEngine(dir.resolve("leader"));
             KvEngine follower = PeerFixtures.openEngine(dir.resolve("follower"))) {
            leader.put(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("c")), PeerFixtures.raw("new"), WriteOptions.SYNC);
            follower.put(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("d")), PeerFixtures.raw("stale"), WriteOptions.SYNC);
            follower.put(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("x")), PeerFixtures.raw("other"), WriteOptions.SYNC);
            SnapshotPaths paths = new SnapshotPaths(dir.resolve("snap"));
            Eraftpb.Snapshot snap = received(leader, paths, 8, 42);

            SnapshotInstaller.Installed installed = SnapshotInstaller.install(follower, paths, 7, snap,
                    Eraftpb.HardState.newBuilder().setTerm(8).setVote(1).setCommit(40).build());

            assertArrayEquals(PeerFixtures.raw("new"), follower.get(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("c"))));
            assertNull(follower.get(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("d"))), "replaced, not merged");
            assertArrayEquals(PeerFixtures.raw("other"), follower.get(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("x"))),
                    "outside the region: untouched");
            assertEquals(42, installed.applyState().getAppliedIndex());
            assertEquals(42, installed.applyState().getTruncatedState().getIndex());
            assertEquals(42, installed.raftState().getLastIndex());
            assertEquals(42, installed.raftState().getHardState().getCommit());
            assertEquals(1, installed.raftState().getHardState().getVote(), "the vote is kept");
            assertEquals(RaftServerpb.PeerState.Normal, PeerBootstrap.read(follower, LocalKeys.regionStateKey(7),
                    RaftServerpb.RegionLocalState.parser()).getState());
            assertFalse(Files.exists(paths.received(new SnapKey(7, 8, 42))), "received files are deleted once installed");
        }
    }

    @Test
    void aRestartFinishesAnInstallThatACrashInterrupted() throws Exception {
        try (KvEngine leader = PeerFixtures.openEngine(dir.resolve("leader"));
             KvEngine follower = PeerFixtures.openEngine(dir.resolve("follower"))) {
            leader.put(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("c")), PeerFixtures.raw("new"), WriteOptions.SYNC);
            SnapshotPaths paths = new SnapshotPaths(dir.resolve("snap"));
            received(leader, paths, 8, 42);
            // What the first, synced step of an install leaves: states at the snapshot, region Applying.
            follower.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(7), RaftServerpb.RegionLocalState.newBuilder()
                    .setState(RaftServerpb.PeerState.Applying).setRegion(region).build().toByteArray(), WriteOptions.SYNC);
            follower.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(7), RaftServerpb.RaftLocalState.newBuilder()
                    .setHardState(Eraftpb.HardState.newBuilder().setTerm(8).setCommit(42)).setLastIndex(42).build()
                    .toByteArray(), WriteOptions.SYNC);
            follower.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(7), RaftServerpb.RaftApplyState.newBuilder()
                    .setAppliedIndex(42).setTruncatedState(RaftServerpb.RaftTruncatedState.newBuilder().setIndex(42).setTerm(8))
                    .build().toByteArray(), WriteOptions.SYNC);

            PeerBootstrap.InitialState init = PeerBootstrap.loadOrBootstrap(follower, paths, region, PeerFixtures.selfOf(region));

            assertEquals(42, init.applyState().getAppliedIndex());
            assertArrayEquals(PeerFixtures.raw("new"), follower.get(ColumnFamily.DEFAULT, DataKeys.data(PeerFixtures.raw("c"))));
            assertEquals(RaftServerpb.PeerState.Normal, PeerBootstrap.read(follower, LocalKeys.regionStateKey(7),
                    RaftServerpb.RegionLocalState.parser()).getState());
        }
    }

    @Test
    void anInterruptedInstallWithoutItsFilesFailsTheStartRatherThanServeAHalfRegion() throws Exception {
        try (KvEngine follower = PeerFixtures.openEngine(dir.resolve("follower"))) {
            follower.put(ColumnFamily.RAFT, LocalKeys.regionStateKey(7), RaftServerpb.RegionLocalState.newBuilder()
                    .setState(RaftServerpb.PeerState.Applying).setRegion(region).build().toByteArray(), WriteOptions.SYNC);
            follower.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(7), RaftServerpb.RaftLocalState.newBuilder()
                    .setHardState(Eraftpb.HardState.newBuilder().setTerm(8).setCommit(42)).setLastIndex(42).build()
                    .toByteArray(), WriteOptions.SYNC);
            follower.put(ColumnFamily.RAFT, LocalKeys.applyStateKey(7), RaftServerpb.RaftApplyState.newBuilder()
                    .setAppliedIndex(42).setTruncatedState(RaftServerpb.RaftTruncatedState.newBuilder().setIndex(42).setTerm(8))
                    .build().toByteArray(), WriteOptions.SYNC);
            assertThrows(IllegalStateException.class, () -> PeerBootstrap.loadOrBootstrap(follower,
                    new SnapshotPaths(dir.resolve("snap")), region, PeerFixtures.selfOf(region)));
        }
    }
}
