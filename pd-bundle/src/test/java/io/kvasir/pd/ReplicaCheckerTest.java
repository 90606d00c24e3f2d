package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica checker over the heartbeat stream: regions reach {@code max-replicas} voters one
 * step at a time, down stores are replaced through joint consensus, surplus peers go, location
 * labels spread replicas. Leader balancing is off here unless a test says otherwise, so every
 * answer is a replica step.
 */
class ReplicaCheckerTest {
    static final PdSettings SETTINGS = PdSettings.of("http://127.0.0.1:2379")
            .withSchedule(ScheduleSettings.DEFAULTS.withLeaderBalance(false, Duration.ofMinutes(1), 4));

    @TempDir
    Path dir;
    SchedulingHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    static Metapb.Peer assertChange(Pdpb.RegionHeartbeatResponse r, Eraftpb.ConfChangeType type, long storeId) {
        assertTrue(r != null && r.hasChangePeer(), "expected change_peer " + type + ", got " + r);
        assertEquals(type, r.getChangePeer().getChangeType(), r.toString());
        assertEquals(storeId, r.getChangePeer().getPeer().getStoreId(), r.toString());
        return r.getChangePeer().getPeer();
    }

    @Test
    void aOnePeerRegionGrowsToThreeVotersOneStepAtATime() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        FakeRegion r = h.firstRegion();

        Pdpb.RegionHeartbeatResponse add = h.heartbeat(r);
        Metapb.Peer learner = assertChange(add, Eraftpb.ConfChangeType.AddLearnerNode, s2);
        assertEquals(Metapb.PeerRole.Learner, learner.getRole());
        assertNotEquals(r.leader().getId(), learner.getId());
        assertEquals(add, h.heartbeat(r), "the same step, with the same new peer id, until it shows");
        assertEquals(add, h.heartbeat(r));

        r = r.apply(add);
        assertNull(h.heartbeat(r), "nothing to say while the learner catches up");
        r = r.caughtUp();
        Pdpb.RegionHeartbeatResponse promote = h.heartbeat(r);
        Metapb.Peer promoted = assertChange(promote, Eraftpb.ConfChangeType.AddNode, s2);
        assertEquals(learner.getId(), promoted.getId());
        assertEquals(Metapb.PeerRole.Voter, promoted.getRole());

        r = r.apply(promote);
        Pdpb.RegionHeartbeatResponse second = h.heartbeat(r);
        Metapb.Peer learner2 = assertChange(second, Eraftpb.ConfChangeType.AddLearnerNode, s3);
        assertNotEquals(learner.getId(), learner2.getId());
        r = r.apply(second).caughtUp();
        r = r.apply(h.heartbeat(r));
        assertNull(h.heartbeat(r), "three voters: done");
        assertEquals(List.of(s1, s2, s3), r.storesWithRole(Metapb.PeerRole.Voter));
        assertEquals(List.of(), r.storesWithRole(Metapb.PeerRole.Learner));
    }

    @Test
    void aPendingOrDownLearnerIsNotPromoted() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s2 = h.addStore();
        h.addStore();
        FakeRegion r = h.firstRegion();
        r = r.apply(h.heartbeat(r));
        Metapb.Peer learner = r.peerOnStore(s2);
        for (int i = 0; i < 3; i++) {
            h.clock.advance(Duration.ofSeconds(5));
            h.storeHeartbeatAllBut();
            assertNull(h.heartbeat(r), "pending: no promotion");
        }
        assertNull(h.heartbeat(r.caughtUp().withDown(learner.getId(), 60)), "down: no promotion either");
        assertChange(h.heartbeat(r.caughtUp()), Eraftpb.ConfChangeType.AddNode, s2);
    }

    @Test
    void aStoreDownPastMaxStoreDownTimeIsReplacedThroughJointConsensus() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        FakeRegion r = h.settle(h.firstRegion(), 10);
        assertEquals(List.of(s1, s2, s3), r.storesWithRole(Metapb.PeerRole.Voter));
        long s4 = h.addStore();
        Metapb.Peer doomed = r.peerOnStore(s3);

        h.clock.advance(Duration.ofMinutes(29));
        h.storeHeartbeatAllBut(s3);
        assertNull(h.heartbeat(r), "silent for less than pd.max-store-down-time: not replaced");

        h.clock.advance(Duration.ofMinutes(2));
        h.storeHeartbeatAllBut(s3);
        Pdpb.RegionHeartbeatResponse add = h.heartbeat(r);
        Metapb.Peer learner = assertChange(add, Eraftpb.ConfChangeType.AddLearnerNode, s4);
        assertTrue(h.getOperator(r.region().getId()).getDesc().toStringUtf8().startsWith("replace-down-replica"));
        r = r.apply(add);
        assertNull(h.heartbeat(r));
        r = r.caughtUp();

        Pdpb.RegionHeartbeatResponse enter = h.heartbeat(r);
        assertTrue(enter.hasChangePeerV2() && !enter.hasChangePeer(), enter.toString());
        List<Pdpb.ChangePeer> changes = enter.getChangePeerV2().getChangesList();
        assertEquals(2, changes.size());
        assertEquals(Eraftpb.ConfChangeType.AddNode, changes.get(0).getChangeType());
        assertEquals(learner.getId(), changes.get(0).getPeer().getId());
        assertEquals(Metapb.PeerRole.Voter, changes.get(0).getPeer().getRole());
        assertEquals(Eraftpb.ConfChangeType.AddLearnerNode, changes.get(1).getChangeType());
        assertEquals(doomed.getId(), changes.get(1).getPeer().getId());
        assertEquals(Metapb.PeerRole.Learner, changes.get(1).getPeer().getRole());

        r = r.apply(enter);
        assertEquals(List.of(s4), r.storesWithRole(Metapb.PeerRole.IncomingVoter));
        Pdpb.RegionHeartbeatResponse leave = h.heartbeat(r);
        assertTrue(leave.hasChangePeerV2(), leave.toString());
        assertEquals(0, leave.getChangePeerV2().getChangesCount(), "leave joint is an empty change_peer_v2");

        r = r.apply(leave);
        Metapb.Peer removed = assertChange(h.heartbeat(r), Eraftpb.ConfChangeType.RemoveNode, s3);
        assertEquals(doomed.getId(), removed.getId());
        r = r.apply(h.heartbeat(r));
        assertNull(h.heartbeat(r));
        assertEquals(List.of(s1, s2, s4), r.storesWithRole(Metapb.PeerRole.Voter));
        assertEquals(3, r.region().getPeersCount());
    }

    @Test
    void withTooFewVotersADownVoterStaysWhileTheLearnerIsPromotedAlone() {
        // Voters on s1 and s3 with s3 down: a joint change would need both old voters; a simple
        // promotion restores a working majority first.
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        FakeRegion r = h.newRegion("", "", s1, s3);
        h.clock.advance(Duration.ofMinutes(31));
        h.storeHeartbeatAllBut(s3);
        r = r.apply(h.heartbeat(r)).caughtUp();
        assertEquals(List.of(s2), r.storesWithRole(Metapb.PeerRole.Learner));
        assertChange(h.heartbeat(r), Eraftpb.ConfChangeType.AddNode, s2);
    }

    @Test
    void aLeaveJointStateComesFirst() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s2 = h.addStore();
        long s3 = h.addStore();
        FakeRegion r = h.newRegion("", "", h.stores.get(0), s2, s3);
        Metapb.Region joint = r.region().toBuilder()
                .setPeers(2, r.region().getPeers(2).toBuilder().setRole(Metapb.PeerRole.DemotingVoter)).build();
        Pdpb.RegionHeartbeatResponse leave = h.heartbeat(new FakeRegion(joint, r.leader(), Set.of(), Map.of()));
        assertTrue(leave.hasChangePeerV2() && leave.getChangePeerV2().getChangesCount() == 0, leave.toString());
    }

    @Test
    void aLearnerOnADownStoreIsRemoved() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s2 = h.addStore();
        long s3 = h.addStore();
        FakeRegion r = h.settle(h.firstRegion(), 10);
        long s4 = h.addStore();
        Metapb.Region withLearner = r.region().toBuilder()
                .addPeers(Metapb.Peer.newBuilder().setId(h.cluster.allocId()).setStoreId(s4).setRole(Metapb.PeerRole.Learner))
                .build();
        r = new FakeRegion(withLearner, r.leader(), Set.of(), Map.of());
        h.clock.advance(Duration.ofMinutes(31));
        h.storeHeartbeatAllBut(s4);
        assertChange(h.heartbeat(r), Eraftpb.ConfChangeType.RemoveNode, s4);
        assertTrue(h.getOperator(r.region().getId()).getDesc().toStringUtf8().startsWith("remove-down-replica"));
        assertEquals(List.of(h.stores.get(0), s2, s3), h.settle(r, 5).storesWithRole(Metapb.PeerRole.Voter));
    }

    @Test
    void extraReplicasAreRemovedWorstFirstAndNeverTheLeader() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        long s4 = h.addStore();
        long s5 = h.addStore();
        FakeRegion r = h.newRegion("", "", s1, s2, s3, s4, s5);
        // A pending peer goes before healthy ones, whatever its store.
        Metapb.Peer onS2 = r.peerOnStore(s2);
        Pdpb.RegionHeartbeatResponse first = h.heartbeat(r.withPending(onS2.getId()));
        assertEquals(onS2.getId(), assertChange(first, Eraftpb.ConfChangeType.RemoveNode, s2).getId());
        r = r.withPending(onS2.getId()).apply(first);
        // Then among equals, the highest store id; the leader (s1) never.
        assertChange(h.heartbeat(r), Eraftpb.ConfChangeType.RemoveNode, s5);
        r = h.settle(r, 5);
        assertEquals(List.of(s1, s3, s4), r.storesWithRole(Metapb.PeerRole.Voter));
        assertEquals(r.peerOnStore(s1), r.leader());
    }

    @Test
    void aLeaderOnTheOnlyBadStoreIsMovedBeforeItsPeerIsRemoved() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        long s4 = h.addStore();
        FakeRegion r = h.newRegion("", "", s1, s2, s3, s4);
        h.clock.advance(Duration.ofMinutes(31));
        h.storeHeartbeatAllBut(s1); // the leader's store stopped store heartbeats, its region ones go on
        Pdpb.RegionHeartbeatResponse transfer = h.heartbeat(r);
        assertTrue(transfer.hasTransferLeader(), transfer.toString());
        assertEquals(r.peerOnStore(s2), transfer.getTransferLeader().getPeer());
        r = r.apply(transfer);
        assertChange(h.heartbeat(r), Eraftpb.ConfChangeType.RemoveNode, s1);
    }

    @Test
    void aSurplusLearnerIsRemoved() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s2 = h.addStore();
        long s3 = h.addStore();
        long s4 = h.addStore();
        FakeRegion r = h.newRegion("", "", h.stores.get(0), s2, s3);
        Metapb.Region withLearner = r.region().toBuilder()
                .addPeers(Metapb.Peer.newBuilder().setId(h.cluster.allocId()).setStoreId(s4).setRole(Metapb.PeerRole.Learner))
                .build();
        assertChange(h.heartbeat(new FakeRegion(withLearner, r.leader(), Set.of(), Map.of())),
                Eraftpb.ConfChangeType.RemoveNode, s4);
    }

    @Test
    void locationLabelsSpreadReplicasOverZones() {
        PdSettings zoned = SETTINGS.withSchedule(SETTINGS.schedule().withLocationLabels(List.of("zone", "host")));
        h = SchedulingHarness.start(dir, zoned, "zone=z1", "host=h1");
        long s1 = h.stores.get(0);
        long sameZone = h.addStore("zone=z1", "host=h2");
        long z2 = h.addStore("zone=z2", "host=h3");
        long z3 = h.addStore("zone=z3", "host=h4");
        FakeRegion r = h.settle(h.firstRegion(), 10);
        // Without labels the lowest id (sameZone) would have been first.
        assertEquals(List.of(s1, z2, z3), r.storesWithRole(Metapb.PeerRole.Voter));
        assertFalse(r.storesWithRole(Metapb.PeerRole.Voter).contains(sameZone));
    }

    @Test
    void newReplicasGoToTheStoreWithFewestRegions() {
        h = SchedulingHarness.start(dir, SETTINGS);
        long s1 = h.stores.get(0);
        long s2 = h.addStore();
        long s3 = h.addStore();
        long s4 = h.addStore();
        // Two full regions on s1, s2 and s3; a region on s1 alone gets s4 first, not the lower ids.
        assertNull(h.heartbeat(h.newRegion("", "b", s1, s2, s3)));
        assertNull(h.heartbeat(h.newRegion("b", "c", s1, s2, s3)));
        assertChange(h.heartbeat(h.newRegion("c", "", s1)), Eraftpb.ConfChangeType.AddLearnerNode, s4);
    }

    @Test
    void noCandidateStoreMeansNoOperator() {
        h = SchedulingHarness.start(dir, SETTINGS);
        assertNull(h.heartbeat(h.firstRegion()), "one store: nowhere to add a replica");
        long s2 = h.addStore();
        long s3 = h.addStore();
        h.clock.advance(Duration.ofSeconds(21));
        h.storeHeartbeatAllBut(s3); // s3 disconnected: no new peers for it
        FakeRegion r = h.settle(h.firstRegion(), 10);
        assertEquals(List.of(h.stores.get(0), s2), r.storesWithRole(Metapb.PeerRole.Voter));
        assertNull(h.heartbeat(r));
    }

    @Test
    void theReplicaScheduleLimitCapsLearnersBeingAdded() {
        h = SchedulingHarness.start(dir, SETTINGS.withSchedule(SETTINGS.schedule().withReplicaScheduleLimit(1)));
        long s1 = h.stores.get(0);
        h.addStore();
        h.addStore();
        FakeRegion a = h.newRegion("", "b", s1);
        FakeRegion b = h.newRegion("b", "", s1);
        Pdpb.RegionHeartbeatResponse addA = h.heartbeat(a);
        assertTrue(addA.hasChangePeer());
        assertNull(h.heartbeat(b), "one learner already on its way");
        FakeRegion a2 = a.apply(addA);
        assertNull(h.heartbeat(a2), "still catching up: still counted");
        assertTrue(h.heartbeat(a2.caughtUp()).hasChangePeer(), "promotion is not limited");
        assertTrue(h.heartbeat(b).hasChangePeer(), "the slot is free again");
    }
}
