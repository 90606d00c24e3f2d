package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader balancing over the heartbeat stream on the playground's shape: three stores, regions
 * with a voter on each, every leader on the first store to begin with.
 */
class LeaderBalancerTest {
    @TempDir
    Path dir;
    SchedulingHarness h;
    long s1;
    long s2;
    long s3;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start(ScheduleSettings schedule) {
        h = SchedulingHarness.start(dir, PdSettings.of("http://127.0.0.1:2379").withSchedule(schedule));
        s1 = h.stores.get(0);
        s2 = h.addStore();
        s3 = h.addStore();
    }

    private FakeRegion region(String start, String end) {
        return h.newRegion(start, end, s1, s2, s3);
    }

    private static void assertTransfer(Pdpb.RegionHeartbeatResponse r, FakeRegion region, long toStore) {
        assertTrue(r != null && r.hasTransferLeader(), "expected transfer_leader, got " + r);
        assertEquals(region.peerOnStore(toStore), r.getTransferLeader().getPeer());
    }

    @Test
    void leadersAllOnOneStoreAreSpreadAndThenLeftAlone() {
        start(ScheduleSettings.DEFAULTS);
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "c");
        FakeRegion c = region("c", "");
        assertNull(h.heartbeat(a), "1 leader against 0 is within the tolerance");
        Pdpb.RegionHeartbeatResponse moveB = h.heartbeat(b);
        assertTransfer(moveB, b, s2);
        assertEquals("leader", h.getOperator(b.region().getId()).getKind().toStringUtf8());
        b = b.apply(moveB);
        assertNull(h.heartbeat(b), "done: B now leads from s2");
        Pdpb.RegionHeartbeatResponse moveC = h.heartbeat(c);
        assertTransfer(moveC, c, s3);
        c = c.apply(moveC);
        for (int round = 0; round < 3; round++) {
            h.clock.advance(Duration.ofMinutes(2));
            h.storeHeartbeatAllBut();
            assertNull(h.heartbeat(a));
            assertNull(h.heartbeat(b));
            assertNull(h.heartbeat(c));
        }
        assertEquals(1, h.cluster.state.regions().tree().leaderCount(s1));
        assertEquals(1, h.cluster.state.regions().tree().leaderCount(s2));
        assertEquals(1, h.cluster.state.regions().tree().leaderCount(s3));
    }

    @Test
    void balancedLeadersAreNotMoved() {
        start(ScheduleSettings.DEFAULTS);
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "c");
        FakeRegion c = region("c", "");
        b = b.withLeader(b.peerOnStore(s2));
        c = c.withLeader(c.peerOnStore(s3));
        for (FakeRegion r : new FakeRegion[] {a, b, c, a, b, c}) {
            assertNull(h.heartbeat(r));
        }
    }

    @Test
    void balancingCanBeTurnedOff() {
        start(ScheduleSettings.DEFAULTS.withLeaderBalance(false, Duration.ofMinutes(1), 4));
        assertNull(h.heartbeat(region("", "b")));
        assertNull(h.heartbeat(region("b", "c")));
        assertNull(h.heartbeat(region("c", "")));
    }

    @Test
    void aPendingOrDownVoterIsNoTarget() {
        start(ScheduleSettings.DEFAULTS);
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "c");
        FakeRegion c = region("c", "");
        assertNull(h.heartbeat(a));
        FakeRegion bothLagging = c.withPending(c.peerOnStore(s2).getId()).withDown(c.peerOnStore(s3).getId(), 100);
        assertNull(h.heartbeat(bothLagging), "2 leaders against 0, but no working voter to take one");
        FakeRegion lagging = b.withPending(b.peerOnStore(s2).getId());
        assertTransfer(h.heartbeat(lagging), b, s3);
    }

    @Test
    void transfersAreCappedPerSecondClusterWide() {
        start(ScheduleSettings.DEFAULTS.withLeaderBalance(true, Duration.ofMinutes(1), 1));
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "c");
        FakeRegion c = region("c", "d");
        assertNull(h.heartbeat(a));
        assertTransfer(h.heartbeat(b), b, s2);
        // s1 still leads 3 (c included) against s3's 0 even counting B's move under way...
        assertNull(h.heartbeat(c), "...but one transfer per second");
        h.clock.advance(Duration.ofSeconds(1));
        assertTransfer(h.heartbeat(c), c, s3);
    }

    @Test
    void aRegionMovesAtMostOncePerInterval() {
        start(ScheduleSettings.DEFAULTS);
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "");
        assertNull(h.heartbeat(a));
        Pdpb.RegionHeartbeatResponse move = h.heartbeat(b);
        assertTransfer(move, b, s2);
        b = b.apply(move);
        assertNull(h.heartbeat(b));
        // Leadership drifts back to s1 (an election): s1 leads 2 regions again, s2 and s3 none.
        FakeRegion back = b.withLeader(b.peerOnStore(s1));
        assertNull(h.heartbeat(back), "moved less than region-leader-transfer-interval ago");
        h.clock.advance(Duration.ofMinutes(1));
        h.storeHeartbeatAllBut();
        assertTransfer(h.heartbeat(back), back, s2);
    }

    @Test
    void aReplicaOperatorPreemptsARunningBalanceOperator() {
        start(ScheduleSettings.DEFAULTS.withOperatorTimeout(Duration.ofHours(1)));
        long s4 = h.addStore();
        FakeRegion a = region("", "b");
        FakeRegion b = region("b", "");
        h.heartbeat(a);
        assertTransfer(h.heartbeat(b), b, s2);
        h.clock.advance(Duration.ofMinutes(31));
        h.storeHeartbeatAllBut(s3);
        Pdpb.RegionHeartbeatResponse replace = h.heartbeat(b);
        assertTrue(replace.hasChangePeer(), replace.toString());
        assertEquals(s4, replace.getChangePeer().getPeer().getStoreId());
        assertEquals(Metapb.PeerRole.Learner, replace.getChangePeer().getPeer().getRole());
        assertEquals("replica", h.getOperator(b.region().getId()).getKind().toStringUtf8());
    }
}
