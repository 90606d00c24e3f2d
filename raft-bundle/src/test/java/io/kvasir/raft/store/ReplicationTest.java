package io.kvasir.raft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb.ConfChangeType;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.raft.api.RegionException;
import io.kvasir.raft.store.peer.PeerDriverConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regions replicated over three stores in one JVM: the scenarios of TiKV's raftstore tests. */
class ReplicationTest {

    @TempDir
    Path dir;
    ClusterHarness cluster;

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ClusterHarness threeVoters() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1, 2, 3);
        return cluster;
    }

    @Test
    void aWriteReachesEveryReplica() {
        threeVoters();
        cluster.putAtLeader("k", "v");
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " applied k", 50, () -> "v".equals(cluster.engineValue(store, "k")));
        }
    }

    @Test
    void anotherStoreLeadsWhenTheLeaderStops() {
        threeVoters();
        cluster.putAtLeader("k", "1");
        long old = cluster.leaderStore(ClusterHarness.FIRST_REGION);
        cluster.stop(old);
        long next = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        assertNotEquals(old, next);
        cluster.putAtLeader("k", "2");
        assertEquals("2", cluster.get(next, "k").join());
        cluster.start(old);
        cluster.tickUntil("the old leader caught up", 100, () -> "2".equals(cluster.engineValue(old, "k")));
    }

    @Test
    void theMinorityCannotWriteAndTheMajorityGoesOn() {
        threeVoters();
        cluster.putAtLeader("k", "1");
        long old = cluster.leaderStore(ClusterHarness.FIRST_REGION);
        cluster.isolate(old);
        CompletableFuture<Void> lost = cluster.put(old, "k", "minority");
        cluster.tickUntil("a leader on the majority side", 200, () -> {
            long l = majorityLeader(old);
            return l != 0;
        });
        long next = majorityLeader(old);
        CompletableFuture<Void> won = cluster.put(next, "k", "majority");
        cluster.tickUntil("the majority's write", 50, won::isDone);
        won.join();
        cluster.tick(30); // the old leader has stepped down by check-quorum
        assertFalse(cluster.view(old, ClusterHarness.FIRST_REGION).isLeader(), "no split brain: " + cluster.describe());
        assertTrue(!lost.isDone() || lost.isCompletedExceptionally(), "the minority write never succeeds");
        cluster.heal();
        cluster.tickUntil("the old leader learns the majority's write", 100,
                () -> "majority".equals(cluster.engineValue(old, "k")));
        assertTrue(!lost.isDone() || lost.isCompletedExceptionally());
    }

    private long majorityLeader(long excluded) {
        for (long s = 1; s <= 3; s++) {
            if (s != excluded && cluster.view(s, ClusterHarness.FIRST_REGION).isLeader()) {
                return s;
            }
        }
        return 0;
    }

    @Test
    void aLaggingFollowerIsCaughtUpBySnapshot() {
        cluster = new ClusterHarness(dir, 3, PeerDriverConfig.builder().tickMillis(ClusterHarness.TICK_MILLIS)
                .raftLogGcCountLimit(20).raftLogGcKeepEntries(2).build()).bootstrap(1, 2, 3);
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long lagging = leader == 3 ? 2 : 3;
        cluster.stop(lagging);
        for (int i = 0; i < 60; i++) {
            cluster.putAtLeader("k" + i, "v" + i);
        }
        cluster.start(lagging);
        cluster.tickUntil("the lagging store has every key", 200, () -> "v59".equals(cluster.engineValue(lagging, "k59")));
        assertEquals("v0", cluster.engineValue(lagging, "k0"));
        assertTrue(cluster.snapshotsSent.get() > 0, "caught up by a snapshot, not the log");
    }

    @Test
    void aLearnerIsAddedBySnapshotAndPromoted() {
        cluster = new ClusterHarness(dir, 3, ClusterHarness.defaultConfig()).bootstrap(1);
        cluster.putAtLeader("before", "1");
        Metapb.Peer learner = Metapb.Peer.newBuilder().setId(ClusterHarness.peerId(2)).setStoreId(2)
                .setRole(Metapb.PeerRole.Learner).build();
        await(cluster.proposeAdmin(changePeer(ConfChangeType.AddLearnerNode, learner)));
        cluster.tickUntil("the learner holds the data", 100, () -> "1".equals(cluster.engineValue(2, "before")));
        await(cluster.proposeAdmin(changePeer(ConfChangeType.AddNode, learner.toBuilder()
                .setRole(Metapb.PeerRole.Voter).build())));
        Metapb.Region region = cluster.region(1, ClusterHarness.FIRST_REGION);
        assertEquals(2, region.getPeersCount());
        assertTrue(region.getPeersList().stream().allMatch(p -> p.getRole() == Metapb.PeerRole.Voter), region.toString());
        cluster.tickUntil("store 2 applied the promotion", 50, () -> cluster.region(2, ClusterHarness.FIRST_REGION)
                .getRegionEpoch().equals(region.getRegionEpoch()));
        cluster.putAtLeader("after", "2");
        cluster.tickUntil("store 2 applies new writes", 50, () -> "2".equals(cluster.engineValue(2, "after")));
    }

    @Test
    void jointConsensusReplacesAVoter() {
        threeVoters();
        cluster.putAtLeader("k", "v");
        long leader = cluster.leaderStore(ClusterHarness.FIRST_REGION);
        long replaced = leader == 3 ? 2 : 3;
        cluster.close();
        // A fourth store joins: the harness restarts with four stores on the same data.
        cluster = new ClusterHarness(dir, 4, ClusterHarness.defaultConfig());
        for (long s = 1; s <= 4; s++) {
            cluster.start(s);
        }
        Metapb.Peer newcomer = Metapb.Peer.newBuilder().setId(ClusterHarness.peerId(4)).setStoreId(4)
                .setRole(Metapb.PeerRole.Learner).build();
        await(cluster.proposeAdmin(changePeer(ConfChangeType.AddLearnerNode, newcomer)));
        cluster.tickUntil("the learner holds the data", 100, () -> "v".equals(cluster.engineValue(4, "k")));
        Metapb.Peer old = Metapb.Peer.newBuilder().setId(ClusterHarness.peerId(replaced)).setStoreId(replaced).build();
        await(cluster.proposeAdmin(RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.ChangePeerV2)
                .setChangePeerV2(RaftCmdpb.ChangePeerV2Request.newBuilder()
                        .addChanges(change(ConfChangeType.AddNode, newcomer))
                        .addChanges(change(ConfChangeType.AddLearnerNode, old)))
                .build()));
        // The core leaves the joint configuration on its own.
        long l = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        cluster.tickUntil("left joint", 100, () -> !isJoint(cluster.region(l, ClusterHarness.FIRST_REGION)));
        await(cluster.proposeAdmin(changePeer(ConfChangeType.RemoveNode, old.toBuilder()
                .setRole(Metapb.PeerRole.Learner).build())));
        cluster.tickUntil("the removed peer is gone from its store", 100,
                () -> cluster.view(replaced, ClusterHarness.FIRST_REGION) == null);
        assertNull(cluster.engineValue(replaced, "k"), "a removed peer's data is deleted");
        cluster.putAtLeader("k2", "v2");
        cluster.tickUntil("the promoted peer applies", 50, () -> "v2".equals(cluster.engineValue(4, "k2")));
    }

    @Test
    void aPeerRemovedWhileItsStoreHeardNothingIsToldByTheRegionAndGoes() {
        threeVoters();
        cluster.putAtLeader("k", "v");
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long removed = leader == 3 ? 2 : 3;
        cluster.tickUntil("every store has the write", 100, () -> "v".equals(cluster.engineValue(removed, "k")));
        cluster.isolate(removed);
        await(cluster.proposeAdmin(changePeer(ConfChangeType.RemoveNode,
                Metapb.Peer.newBuilder().setId(ClusterHarness.peerId(removed)).setStoreId(removed).build())));
        cluster.putAtLeader("k2", "v2");
        cluster.heal();
        // Nobody writes to the removed peer any more; it campaigns, and the members answer that it is a tombstone.
        cluster.tickUntil("the removed peer is gone from its store", 100,
                () -> cluster.view(removed, ClusterHarness.FIRST_REGION) == null);
        assertNull(cluster.engineValue(removed, "k"), "its data is deleted");
        cluster.putAtLeader("k3", "v3");
        assertEquals(2, cluster.region(cluster.awaitLeader(ClusterHarness.FIRST_REGION), ClusterHarness.FIRST_REGION)
                .getPeersCount(), "the region goes on with its two members");
    }

    private static boolean isJoint(Metapb.Region r) {
        return r.getPeersList().stream().anyMatch(p -> p.getRole() == Metapb.PeerRole.IncomingVoter
                || p.getRole() == Metapb.PeerRole.DemotingVoter);
    }

    @Test
    void everyStoreRestartsOnItsData() {
        threeVoters();
        cluster.putAtLeader("k", "v");
        for (long s = 1; s <= 3; s++) {
            cluster.stop(s);
        }
        for (long s = 1; s <= 3; s++) {
            cluster.start(s);
        }
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        assertEquals("v", cluster.get(leader, "k").join());
        cluster.putAtLeader("k", "w");
        assertEquals("w", cluster.get(cluster.leaderStore(ClusterHarness.FIRST_REGION), "k").join());
    }

    @Test
    void leaseReadsNeverReturnStaleDataAcrossALeaderChange() {
        threeVoters();
        cluster.putAtLeader("k", "old");
        // The leader that committed the write reads it back from its lease. Leadership may still
        // move while the group settles (the harness delivers messages asynchronously), so the
        // write and the read go to whoever leads, until one store does both.
        long found = 0;
        for (int attempt = 0; attempt < 20 && found == 0; attempt++) {
            long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
            try {
                CompletableFuture<Void> put = cluster.put(leader, "k", "old");
                cluster.tickUntil("put", 50, put::isDone);
                put.join();
                assertEquals("old", cluster.get(leader, "k").join());
                found = leader;
            } catch (RuntimeException leadershipMoved) {
                cluster.tick(1);
            }
        }
        assertTrue(found != 0, "no store kept leading long enough: " + cluster.describe());
        long old = found;
        assertTrue(cluster.node(old).regions.readCounts()[0] > 0, "served from the lease");
        // The old leader is cut off but does not know it; the others elect a new leader and write.
        cluster.isolate(old);
        cluster.tickUntil("a new leader", 200, () -> majorityLeader(old) != 0);
        long next = majorityLeader(old);
        CompletableFuture<Void> write = cluster.put(next, "k", "new");
        cluster.tickUntil("the new write", 50, write::isDone);
        write.join();
        // Whatever the old leader answers now, it must not be the old value.
        CompletableFuture<String> read;
        try {
            read = cluster.get(old, "k");
        } catch (io.kvasir.raft.api.RegionException notLeader) {
            return; // it knows it lost leadership
        }
        cluster.tick(5);
        assertTrue(!read.isDone() || read.isCompletedExceptionally() || "new".equals(read.join()),
                () -> "stale read at the old leader: " + read.join());
    }

    @Test
    void writesGoOnWhileMessagesAreDelayedAndDropped() {
        threeVoters();
        java.util.Random random = new java.util.Random(42);
        cluster.dropIf(m -> random.nextInt(10) == 0);
        for (int i = 0; i < 20; i++) {
            cluster.putAtLeader("k" + i, "v" + i);
        }
        cluster.heal();
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " has every write", 100, () -> "v19".equals(cluster.engineValue(store, "k19")));
        }
    }

    @Test
    void aRegionSplitsInThreeUnderWriteLoad() throws Exception {
        threeVoters();
        for (int i = 0; i < 40; i++) {
            cluster.putRouted(String.format("k%03d", i), "v" + i);
        }
        RaftCmdpb.BatchSplitRequest.Builder split = RaftCmdpb.BatchSplitRequest.newBuilder().setRightDerive(true);
        split.addRequests(RaftCmdpb.SplitRequest.newBuilder().setSplitKey(ClusterHarness.utf8("k030"))
                .setNewRegionId(2).addNewPeerIds(201).addNewPeerIds(202).addNewPeerIds(203));
        split.addRequests(RaftCmdpb.SplitRequest.newBuilder().setSplitKey(ClusterHarness.utf8("k060"))
                .setNewRegionId(3).addNewPeerIds(301).addNewPeerIds(302).addNewPeerIds(303));
        CompletableFuture<Void> splitting = cluster.proposeAdmin(RaftCmdpb.AdminRequest.newBuilder()
                .setCmdType(RaftCmdpb.AdminCmdType.BatchSplit).setSplits(split).build());
        // Writes go on while the split is proposed and applied: each lands in whichever region holds it.
        for (int i = 40; i < 100; i++) {
            cluster.putRouted(String.format("k%03d", i), "v" + i);
        }
        await(splitting);
        for (int i = 100; i < 120; i++) {
            cluster.putRouted(String.format("k%03d", i), "v" + i);
        }
        for (long s = 1; s <= 3; s++) {
            long store = s;
            cluster.tickUntil("store " + s + " holds three regions", 100, () -> cluster.regionOf(store, "k010") != null
                    && cluster.regionOf(store, "k010").regionId() == 2 && cluster.regionOf(store, "k050").regionId() == 3
                    && cluster.regionOf(store, "k119").regionId() == ClusterHarness.FIRST_REGION);
            cluster.tickUntil("store " + s + " has every write", 100, () -> "v119".equals(cluster.engineValue(store, "k119"))
                    && "v0".equals(cluster.engineValue(store, "k000")) && "v59".equals(cluster.engineValue(store, "k059")));
        }
        Metapb.Region left = cluster.regionOf(1, "k000").region();
        assertEquals("", left.getStartKey().toStringUtf8());
        assertEquals("k030", left.getEndKey().toStringUtf8());
        assertEquals(3, left.getRegionEpoch().getVersion(), "version = parent's 1 + two new regions");
        for (long id : new long[] {2, 3}) {
            cluster.tickUntil("region " + id + " has a leader", 100, () -> cluster.leaderStore(id) != 0);
        }
        // A client still on the parent's epoch hears of the region and of the sibling that took
        // the keys just before it, as TiKV answers.
        long parentLeader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        RegionException stale = assertThrows(RegionException.class, () -> cluster.node(parentLeader).regions.route(
                cluster.context(parentLeader, ClusterHarness.FIRST_REGION).toBuilder()
                        .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setConfVer(1).setVersion(1)).build()));
        assertEquals(List.of(ClusterHarness.FIRST_REGION, 3L), stale.error().getEpochNotMatch()
                .getCurrentRegionsList().stream().map(Metapb.Region::getId).toList());
    }

    @Test
    void aFollowerThatHasNotAppliedASplitYetGetsNoSnapshotOfTheNewRegionButItsLog() {
        threeVoters();
        for (int i = 0; i < 30; i++) {
            cluster.putRouted(String.format("k%03d", i), "v" + i);
        }
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long lagging = leader == 3 ? 2 : 3;
        long snapshotsBefore = cluster.snapshotsSent.get();
        // The lagging store hears nothing of the parent region, so it does not apply the split.
        cluster.dropIf(m -> m.getRegionId() == ClusterHarness.FIRST_REGION && m.getToPeer().getStoreId() == lagging);
        RaftCmdpb.BatchSplitRequest.Builder split = RaftCmdpb.BatchSplitRequest.newBuilder().setRightDerive(true);
        split.addRequests(RaftCmdpb.SplitRequest.newBuilder().setSplitKey(ClusterHarness.utf8("k020"))
                .setNewRegionId(2).addNewPeerIds(201).addNewPeerIds(202).addNewPeerIds(203));
        await(cluster.proposeAdmin(RaftCmdpb.AdminRequest.newBuilder()
                .setCmdType(RaftCmdpb.AdminCmdType.BatchSplit).setSplits(split).build()));
        cluster.tickUntil("the new region has a leader", 100, () -> cluster.leaderStore(2) != 0);
        cluster.putRouted("k005", "after the split");
        cluster.tick(30); // the new region's leader keeps writing to the lagging store's peer

        assertEquals(ClusterHarness.FIRST_REGION, cluster.regionOf(lagging, "k005").regionId(),
                "the lagging store still has the parent there, and no peer of the new region");
        assertEquals(snapshotsBefore, cluster.snapshotsSent.get(), "no snapshot of the new region was built and sent");

        cluster.heal();
        cluster.tickUntil("the lagging store applies the split and catches the new region up", 200,
                () -> "after the split".equals(cluster.engineValue(lagging, "k005")));
        assertEquals(2, cluster.regionOf(lagging, "k005").regionId());
        assertEquals(snapshotsBefore, cluster.snapshotsSent.get(), "the split brought the data, the log the rest");
    }

    @Test
    void leadershipIsNotHandedToAFollowerFarBehindTheLogButIsOnceItCaughtUp() {
        threeVoters();
        long leader = cluster.awaitLeader(ClusterHarness.FIRST_REGION);
        long behind = leader == 3 ? 2 : 3;
        cluster.dropIf(m -> m.getToPeer().getStoreId() == behind);
        for (int i = 0; i < 256; i++) { // twice the 128 entries a transferee may lack
            cluster.putRouted(String.format("k%04d", i), "v" + i);
        }
        cluster.heal();
        // The proposal reaches the leader at once; the lagging peer has not caught up yet.
        await(cluster.proposeAdmin(transferLeaderTo(behind)));
        cluster.tick(5);
        assertEquals(leader, cluster.leaderStore(ClusterHarness.FIRST_REGION), "a target far behind is refused");

        cluster.tickUntil("the follower catches up", 100, () -> "v255".equals(cluster.engineValue(behind, "k0255")));
        await(cluster.proposeAdmin(transferLeaderTo(behind)));
        cluster.tickUntil("the caught-up follower leads", 30,
                () -> cluster.leaderStore(ClusterHarness.FIRST_REGION) == behind);
    }

    private RaftCmdpb.AdminRequest transferLeaderTo(long store) {
        return RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.TransferLeader)
                .setTransferLeader(RaftCmdpb.TransferLeaderRequest.newBuilder()
                        .setPeer(Metapb.Peer.newBuilder().setId(ClusterHarness.peerId(store)).setStoreId(store))).build();
    }

    private void await(CompletableFuture<Void> f) {
        cluster.tickUntil("the proposal", 100, f::isDone);
        f.join();
    }

    private static RaftCmdpb.AdminRequest changePeer(ConfChangeType type, Metapb.Peer peer) {
        return RaftCmdpb.AdminRequest.newBuilder().setCmdType(RaftCmdpb.AdminCmdType.ChangePeer)
                .setChangePeer(change(type, peer)).build();
    }

    private static RaftCmdpb.ChangePeerRequest change(ConfChangeType type, Metapb.Peer peer) {
        return RaftCmdpb.ChangePeerRequest.newBuilder().setChangeType(type).setPeer(peer).build();
    }

    @SuppressWarnings("unused")
    private static final Set<Long> NONE = Set.of();
}
