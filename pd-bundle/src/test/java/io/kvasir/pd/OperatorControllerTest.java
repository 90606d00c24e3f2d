package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of an operator: resent until done, dropped on timeout, staleness or obsolescence and
 * then planned afresh, reported by GetOperator, and carried on the wire the way the store needs.
 */
class OperatorControllerTest {
    @TempDir
    Path dir;
    SchedulingHarness h;
    long s1;
    long s2;
    long s3;

    @BeforeEach
    void start() {
        h = SchedulingHarness.start(dir, ReplicaCheckerTest.SETTINGS);
        s1 = h.stores.get(0);
        s2 = h.addStore();
        s3 = h.addStore();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private long regionId() {
        return h.firstRegion().region().getId();
    }

    @Test
    void getOperatorReportsTheRunningStepAndNothingOnceItIsDone() {
        FakeRegion r = h.firstRegion();
        Pdpb.RegionHeartbeatResponse add = h.heartbeat(r);
        long learner = add.getChangePeer().getPeer().getId();
        Pdpb.GetOperatorResponse running = h.getOperator(regionId());
        assertFalse(running.getHeader().hasError(), running.toString());
        assertEquals(regionId(), running.getRegionId());
        assertEquals(Pdpb.OperatorStatus.RUNNING, running.getStatus());
        assertEquals("make-up-replica: add learner peer " + learner + " on store " + s2, running.getDesc().toStringUtf8());
        assertEquals("replica", running.getKind().toStringUtf8());

        r = r.apply(add).caughtUp();
        Pdpb.RegionHeartbeatResponse promote = h.heartbeat(r);
        assertEquals("make-up-replica: promote learner peer " + learner + " on store " + s2,
                h.getOperator(regionId()).getDesc().toStringUtf8());
        r = h.settle(r.apply(promote), 5);
        Pdpb.GetOperatorResponse none = h.getOperator(regionId());
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, none.getHeader().getError().getType());
    }

    @Test
    void anOperatorOlderThanTheTimeoutIsDroppedAndPlannedAgainWithANewPeerId() {
        FakeRegion r = h.firstRegion();
        Pdpb.RegionHeartbeatResponse add = h.heartbeat(r);
        h.clock.advance(Duration.ofMinutes(9));
        h.storeHeartbeatAllBut();
        assertEquals(add, h.heartbeat(r), "within schedule.operator-timeout: the same step");
        h.clock.advance(Duration.ofMinutes(1).plusMillis(1));
        h.storeHeartbeatAllBut();
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, h.getOperator(regionId()).getHeader().getError().getType(),
                "a timed-out operator is not reported");
        Pdpb.RegionHeartbeatResponse again = h.heartbeat(r);
        assertEquals(Eraftpb.ConfChangeType.AddLearnerNode, again.getChangePeer().getChangeType());
        assertNotEquals(add.getChangePeer().getPeer().getId(), again.getChangePeer().getPeer().getId());
    }

    @Test
    void aLearnerStuckCatchingUpPastTheTimeoutIsLeftAloneWithoutAnOperator() {
        FakeRegion r = h.firstRegion();
        r = r.apply(h.heartbeat(r));
        h.clock.advance(Duration.ofMinutes(11));
        h.storeHeartbeatAllBut();
        assertNull(h.heartbeat(r), "the learner is still what the region needs; wait for it");
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, h.getOperator(regionId()).getHeader().getError().getType());
    }

    @Test
    void aMembershipChangeThePdDidNotAskForMakesTheOperatorStale() {
        FakeRegion r = h.firstRegion();
        Pdpb.RegionHeartbeatResponse add = h.heartbeat(r);
        assertEquals(s2, add.getChangePeer().getPeer().getStoreId());
        // Someone else added a learner on s3 instead (conf_ver moved, our learner is not there).
        Metapb.Region other = r.region().toBuilder()
                .addPeers(Metapb.Peer.newBuilder().setId(h.cluster.allocId()).setStoreId(s3).setRole(Metapb.PeerRole.Learner))
                .setRegionEpoch(r.region().getRegionEpoch().toBuilder().setConfVer(2)).build();
        FakeRegion changed = new FakeRegion(other, r.leader(), Set.of(other.getPeers(1).getId()), Map.of());
        assertNull(h.heartbeat(changed), "stale operator dropped; the learner on s3 is catching up");
        Pdpb.RegionHeartbeatResponse promote = h.heartbeat(changed.caughtUp());
        assertEquals(Eraftpb.ConfChangeType.AddNode, promote.getChangePeer().getChangeType());
        assertEquals(s3, promote.getChangePeer().getPeer().getStoreId());
    }

    @Test
    void operatorsOfRegionsThatDisappearAreSweptOut() {
        FakeRegion r = h.firstRegion();
        assertTrue(h.heartbeat(r).hasChangePeer());
        // A region with a newer version covering the same range replaces it (a merge, say).
        FakeRegion merged = h.newRegion("", "", s1, s2, s3);
        merged = new FakeRegion(merged.region().toBuilder().setRegionEpoch(
                Metapb.RegionEpoch.newBuilder().setVersion(5).setConfVer(3)).build(), merged.leader(), Set.of(), Map.of());
        assertNull(h.heartbeat(merged));
        h.clock.advance(Duration.ofSeconds(2));
        h.storeHeartbeatAllBut();
        assertNull(h.heartbeat(merged));
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, h.getOperator(regionId()).getHeader().getError().getType());
    }

    @Test
    void aStaleHeartbeatGetsNoOperator() {
        FakeRegion r = h.settle(h.firstRegion(), 10);
        assertNull(h.heartbeat(h.firstRegion()), "the one-peer shape is older than what PD knows");
        assertEquals(3, r.region().getPeersCount());
    }

    @Test
    void overGrpcTheOperatorCarriesRegionEpochAndTargetPeer() throws InterruptedException {
        FakeRegion r = h.firstRegion();
        List<Pdpb.RegionHeartbeatResponse> answers = new ArrayList<>();
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        StreamObserver<Pdpb.RegionHeartbeatRequest> stream = h.cluster.async.regionHeartbeat(new StreamObserver<>() {
            @Override
            public void onNext(Pdpb.RegionHeartbeatResponse value) {
                synchronized (answers) {
                    answers.add(value);
                }
                answered.countDown();
            }

            @Override
            public void onError(Throwable t) {
                closed.countDown();
            }

            @Override
            public void onCompleted() {
                closed.countDown();
            }
        });
        stream.onNext(r.request(h.cluster.header()));
        assertTrue(answered.await(10, TimeUnit.SECONDS), "no operator came back");
        stream.onCompleted();
        assertTrue(closed.await(10, TimeUnit.SECONDS));
        Pdpb.RegionHeartbeatResponse answer;
        synchronized (answers) {
            assertEquals(1, answers.size(), answers.toString());
            answer = answers.get(0);
        }
        assertEquals(h.cluster.state.clusterId(), answer.getHeader().getClusterId());
        assertFalse(answer.getHeader().hasError());
        assertEquals(r.region().getId(), answer.getRegionId());
        assertEquals(r.region().getRegionEpoch(), answer.getRegionEpoch());
        assertEquals(r.leader(), answer.getTargetPeer());
        assertEquals(Eraftpb.ConfChangeType.AddLearnerNode, answer.getChangePeer().getChangeType());
        assertFalse(answer.hasChangePeerV2() || answer.hasTransferLeader());
    }

    @Test
    void anEmptyChangePeerV2SurvivesTheWire() throws Exception {
        // Leave-joint is an empty ChangePeerV2: present, with no changes. Proto3 keeps the presence
        // of a message field even when it is empty.
        Pdpb.RegionHeartbeatResponse.Builder b = Pdpb.RegionHeartbeatResponse.newBuilder();
        new Step.LeaveJoint().addTo(b);
        Pdpb.RegionHeartbeatResponse parsed = Pdpb.RegionHeartbeatResponse.parseFrom(b.build().toByteArray());
        assertTrue(parsed.hasChangePeerV2());
        assertEquals(0, parsed.getChangePeerV2().getChangesCount());
        assertEquals(ByteString.EMPTY, parsed.getChangePeerV2().toByteString());
    }
}
