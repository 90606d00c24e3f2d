package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.raft.store.peer.PeerDriverConfig;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Region merge over three stores in one JVM: PrepareMerge in the source's log, CommitMerge in the
 * target's, RollbackMerge when the target moved on; with replicas of either side lagging.
 */
class RegionMergeTest {

    /** The left half after the split: the merge's source. */
    private static final long SOURCE = 2;
    /** The right half, which keeps the first region's id: the merge's target. */
    private static final long TARGET = ClusterHarness.FIRST_REGION;

    @TempDir
    Path dir;
    ClusterHarness cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Three stores with the key space split at k050 into SOURCE ["", k050) and TARGET [k050, ""). */
    private void splitCluster(PeerDriverConfig config) {
        cluster = new ClusterHarness(dir, 3, config).bootstrap(1, 2, 3);
        cluster.putAtLeader("k000", "before-split");
        RaftCmdpb.BatchSplitRequest split = RaftCmdpb.BatchSplitRequest.newBuilder().setRightDerive(true)
                .addRequests(RaftCmdpb.SplitRequest.newBuilder().setSplitKey(ClusterHarness.utf8("k050"))
                        .setNewRegionId(SOURCE).addNewPeerIds(201).addNewPeerIds(202).addNewPeerIds(203))
                .build();
        await(cluster.proposeAdmin(RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.BatchSplit)
                .setSplits(split).build()));
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " holds both halves", 100, () -> cluster.view(store, SOURCE) != null
                    && cluster.view(store, SOURCE).initialized());
        }
        // Both leaders on store 1, so that cutting store 3 off never costs a region its leader.
        moveLeaderTo(1, SOURCE);
        moveLeaderTo(1, TARGET);
        for (int i = 0; i < 100; i += 10) {
            cluster.putRouted(key(i), "v" + i);
        }
    }

    @Test
    void twoRegionsMergeIntoOneThatKeepsEveryWriteAcrossARestart() {
        splitCluster(ClusterHarness.defaultConfig());
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        Metapb.Region source = cluster.region(cluster.awaitLeader(SOURCE), SOURCE);

        await(prepareMerge(target));
        for (long s = 1; s <= 3; s++) {
            awaitMerged(s);
        }
        Metapb.Region merged = cluster.region(1, TARGET);
        assertEquals("", merged.getStartKey().toStringUtf8());
        assertEquals("", merged.getEndKey().toStringUtf8());
        assertEquals(Math.max(source.getRegionEpoch().getVersion() + 1, target.getRegionEpoch().getVersion()) + 1,
                merged.getRegionEpoch().getVersion(), "version above both: the source's after PrepareMerge, the target's");
        assertEquals(target.getRegionEpoch().getConfVer(), merged.getRegionEpoch().getConfVer());

        cluster.putRouted("k005", "after-merge");
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " has the write after the merge", 100,
                    () -> "after-merge".equals(cluster.engineValue(store, "k005")));
            for (int i = 0; i < 100; i += 10) {
                assertEquals("v" + i, cluster.engineValue(s, key(i)), "store " + s + " " + key(i));
            }
        }

        for (long s = 1; s <= 3; s++) {
            cluster.stop(s);
        }
        for (long s = 1; s <= 3; s++) {
            cluster.start(s);
        }
        long leader = cluster.awaitLeader(TARGET);
        assertEquals(merged.getRegionEpoch(), cluster.region(leader, TARGET).getRegionEpoch());
        for (long s = 1; s <= 3; s++) {
            assertNull(cluster.view(s, SOURCE), "the merged region stays gone after a restart");
        }
        assertEquals("after-merge", cluster.get(leader, "k005").join());
        assertEquals("v10", awaitRead(leader, "k010"));
    }

    @Test
    void aSourceReplicaThatMissedTheLastWritesGetsThemWithTheMerge() {
        splitCluster(ClusterHarness.defaultConfig());
        // Store 3's source peer hears nothing more: it misses the writes and PrepareMerge itself.
        cluster.dropIf(m -> m.getRegionId() == SOURCE && m.getToPeer().getStoreId() == 3);
        cluster.putRouted("k001", "missed-1");
        cluster.putRouted("k002", "missed-2");
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        await(prepareMerge(target));

        for (long s = 1; s <= 3; s++) {
            awaitMerged(s);
        }
        assertEquals("missed-1", cluster.engineValue(3, "k001"), "applied from the entries the CommitMerge carried");
        assertEquals("missed-2", cluster.engineValue(3, "k002"));
        cluster.heal();
        long leader = cluster.awaitLeader(TARGET);
        assertEquals("missed-2", awaitRead(leader, "k002"));
    }

    @Test
    void aTargetReplicaThatMissedTheMergeAppliesItOnceItHearsAgain() {
        splitCluster(ClusterHarness.defaultConfig());
        cluster.dropIf(m -> m.getRegionId() == TARGET && m.getToPeer().getStoreId() == 3);
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        await(prepareMerge(target));
        awaitMerged(1);
        awaitMerged(2);
        cluster.putRouted("k007", "while-3-lagged");
        assertNotNull(cluster.view(3, SOURCE), "store 3 keeps its source peer until its target applies the merge");

        cluster.heal();
        awaitMerged(3);
        cluster.tickUntil("store 3 has the write made after the merge", 100,
                () -> "while-3-lagged".equals(cluster.engineValue(3, "k007")));
    }

    @Test
    void aTargetReplicaTooFarBehindGetsASnapshotThatReplacesItsSource() {
        // A short log: the target's leader compacts past what store 3 has, so store 3 needs a snapshot.
        splitCluster(PeerDriverConfig.builder().tickMillis(ClusterHarness.TICK_MILLIS)
                .raftLogGcCountLimit(20).raftLogGcKeepEntries(12).build());
        cluster.dropIf(m -> m.getRegionId() == TARGET && m.getToPeer().getStoreId() == 3);
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        await(prepareMerge(target));
        awaitMerged(1);
        awaitMerged(2);
        for (int i = 0; i < 40; i++) {
            cluster.putRouted("k0" + (10 + i % 40), "w" + i);
        }
        long snapshotsBefore = cluster.snapshotsSent.get();

        cluster.heal();
        awaitMerged(3);
        assertTrue(cluster.snapshotsSent.get() > snapshotsBefore, "store 3 caught up by snapshot");
        cluster.tickUntil("store 3 has the last write", 100, () -> "w39".equals(cluster.engineValue(3, "k049")));
        assertEquals("v0", cluster.engineValue(3, "k000"));
    }

    @Test
    void aMergeRollsBackWhenTheTargetMovedOnAndTheSourceServesAgain() {
        // Merge checks 100 ticks apart: the merge stays prepared long enough to look at.
        splitCluster(PeerDriverConfig.builder().tickMillis(ClusterHarness.TICK_MILLIS).mergeCheckTickMillis(10_000).build());
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        // PD's idea of the target is older than the target: the merge can never commit.
        Metapb.Region stale = target.toBuilder().setRegionEpoch(target.getRegionEpoch().toBuilder()
                .setVersion(target.getRegionEpoch().getVersion() - 1)).build();
        Metapb.Region before = cluster.region(cluster.awaitLeader(SOURCE), SOURCE);
        await(prepareMerge(stale));

        long leader = cluster.awaitLeader(SOURCE);
        assertFalse(cluster.view(leader, SOURCE).leaseValidAt(cluster.nowNanos()), "no lease reads while merging");
        CompletableFuture<Void> refused = cluster.node(leader).regions.write(
                cluster.node(leader).regions.route(cluster.context(leader, SOURCE)),
                java.util.List.of(put("k003", "refused")));
        cluster.settle();
        CompletionException e = assertThrows(CompletionException.class, refused::join);
        assertTrue(e.getCause() instanceof RegionException re && re.error().hasProposalInMergingMode(), e.toString());

        cluster.tickUntil("the merge rolled back on every store", 200, () -> {
            for (long s = 1; s <= 3; s++) {
                Metapb.Region r = cluster.region(s, SOURCE);
                if (r == null || r.getRegionEpoch().getVersion() != before.getRegionEpoch().getVersion() + 2) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(before.getRegionEpoch().getConfVer() + 1, cluster.region(1, SOURCE).getRegionEpoch().getConfVer());
        cluster.putRouted("k003", "after-rollback");
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " has the write after the rollback", 100,
                    () -> "after-rollback".equals(cluster.engineValue(store, "k003")));
        }
        assertEquals("k050", cluster.region(1, TARGET).getStartKey().toStringUtf8(), "the target kept its own range");
    }

    @Test
    void prepareMergeIsRefusedWhileAReplicaLagsTooFar() {
        splitCluster(ClusterHarness.defaultConfig());
        cluster.dropIf(m -> m.getRegionId() == SOURCE && m.getToPeer().getStoreId() == 3);
        for (int i = 0; i < 12; i++) {
            cluster.putRouted("k02" + (i % 10), "gap" + i);
        }
        Metapb.Region target = cluster.region(cluster.awaitLeader(TARGET), TARGET);
        CompletableFuture<Void> refused = prepareMerge(target);
        cluster.tickUntil("the refusal", 10, refused::isDone);
        CompletionException e = assertThrows(CompletionException.class, refused::join);
        assertTrue(e.getMessage().contains("lacks"), e.getMessage());
        cluster.putRouted("k021", "still-serving");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    /** Transfers leadership, again if a transfer lapses (the transferee may still be catching up). */
    private void moveLeaderTo(long store, long regionId) {
        for (int attempt = 0; attempt < 10 && cluster.awaitLeader(regionId) != store; attempt++) {
            await(cluster.proposeAdmin(regionId, RaftCmdpb.AdminRequest.newBuilder()
                    .setCmdType(RaftCmdpb.AdminCmdType.TransferLeader)
                    .setTransferLeader(RaftCmdpb.TransferLeaderRequest.newBuilder()
                            .setPeer(cluster.view(store, regionId).self())).build()));
            for (int i = 0; i < 30 && cluster.leaderStore(regionId) != store; i++) {
                cluster.tick(1);
            }
        }
        cluster.tickUntil("store " + store + " leads region " + regionId, 1, () -> cluster.leaderStore(regionId) == store);
    }

    private CompletableFuture<Void> prepareMerge(Metapb.Region target) {
        return cluster.proposeAdmin(SOURCE, RaftCmdpb.AdminRequest.newBuilder()
                .setCmdType(RaftCmdpb.AdminCmdType.PrepareMerge)
                .setPrepareMerge(RaftCmdpb.PrepareMergeRequest.newBuilder().setTarget(target)).build());
    }

    /** Waits until {@code store} holds no source peer and its target covers every key. */
    private void awaitMerged(long store) {
        cluster.tickUntil("store " + store + " merged the source into the target", 300, () -> {
            Metapb.Region t = cluster.region(store, TARGET);
            return cluster.view(store, SOURCE) == null && t != null && t.getStartKey().isEmpty() && t.getEndKey().isEmpty();
        });
    }

    private String awaitRead(long store, String key) {
        CompletableFuture<String> f = cluster.get(store, key);
        cluster.tickUntil("read " + key, 100, f::isDone);
        return f.join();
    }

    private static RaftCmdpb.Request put(String key, String value) {
        return RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.Put)
                .setPut(RaftCmdpb.PutRequest.newBuilder().setKey(ClusterHarness.utf8(key))
                        .setValue(ClusterHarness.utf8(value))).build();
    }

    private static String key(int i) {
        return String.format("k%03d", i);
    }

    private void await(CompletableFuture<Void> f) {
        cluster.tickUntil("the proposal", 100, f::isDone);
        f.join();
    }
}
