package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Merges over the heartbeat stream: the source's leader is answered with {@code merge} until the
 * merge is over, the target's operator stays silent, and both end together when the target's
 * heartbeat covers the source, when the store rolls back, when the target changes or on timeout.
 * Every region has a voter on each of three stores. Regions new to the PD count as just split, so
 * tests let {@code schedule.split-merge-interval} pass before expecting a merge ({@link #settleIn}).
 * Leader balancing is off unless a test says otherwise.
 */
class MergeSchedulingTest {
    static final Duration INTERVAL = MergeSettings.DEFAULTS.splitMergeInterval();

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

    private void start(PdSettings settings) {
        h = SchedulingHarness.start(dir, settings);
        s1 = h.stores.get(0);
        s2 = h.addStore();
        s3 = h.addStore();
    }

    private void start() {
        start(ReplicaCheckerTest.SETTINGS);
    }

    private void startWithMergeLimit(int limit) {
        ScheduleSettings schedule = ReplicaCheckerTest.SETTINGS.schedule();
        start(ReplicaCheckerTest.SETTINGS.withSchedule(schedule.withMerge(schedule.merge().withScheduleLimit(limit))));
    }

    /** A region [start, end) of {@code sizeMib} MiB and 1,000 keys per MiB, led from s1. */
    private FakeRegion region(String start, String end, long sizeMib) {
        return h.newRegion(start, end, s1, s2, s3).withSize(sizeMib, sizeMib * 1_000);
    }

    /** Heartbeats {@code regions} (new, so just split), then lets the split-merge interval pass. */
    private void settleIn(FakeRegion... regions) {
        for (FakeRegion r : regions) {
            assertNull(h.heartbeat(r), "nothing merges within the split-merge interval");
        }
        later(INTERVAL);
    }

    private void later(Duration d) {
        h.clock.advance(d);
        h.storeHeartbeatAllBut();
    }

    private static void assertMerge(Pdpb.RegionHeartbeatResponse r, FakeRegion target) {
        assertTrue(r != null && r.hasMerge(), "expected merge, got " + r);
        assertEquals(target.region(), r.getMerge().getTarget());
        assertFalse(r.hasChangePeer() || r.hasChangePeerV2() || r.hasTransferLeader(), r.toString());
    }

    private void assertMergeOperator(FakeRegion region, FakeRegion source, FakeRegion target) {
        Pdpb.GetOperatorResponse op = h.getOperator(region.region().getId());
        assertFalse(op.getHeader().hasError(), op.toString());
        assertEquals("merge", op.getKind().toStringUtf8());
        assertEquals(Pdpb.OperatorStatus.RUNNING, op.getStatus());
        assertEquals("merge-region: merge region " + source.region().getId() + " into region " + target.region().getId(),
                op.getDesc().toStringUtf8());
    }

    private void assertNoOperator(FakeRegion region) {
        Pdpb.GetOperatorResponse op = h.getOperator(region.region().getId());
        assertEquals(Pdpb.ErrorType.REGION_NOT_FOUND, op.getHeader().getError().getType(), op.toString());
    }

    private Pdpb.GetRegionResponse regionAt(String key) {
        return h.cluster.pd().getRegion(Pdpb.GetRegionRequest.newBuilder().setHeader(h.cluster.header())
                .setRegionKey(ByteString.copyFromUtf8(key)).build());
    }

    @Test
    void theMergeIsResentUntilTheTargetCoversTheSourceThenBothOperatorsEnd() {
        start();
        FakeRegion a = region("", "b", 5);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);

        Pdpb.RegionHeartbeatResponse merge = h.heartbeat(b);
        assertMerge(merge, a);
        assertMergeOperator(b, b, a);
        assertMergeOperator(a, b, a);
        assertEquals(merge, h.heartbeat(b), "resent, unchanged, while nothing moved");

        FakeRegion prepared = b.apply(merge);
        Pdpb.RegionHeartbeatResponse again = h.heartbeat(prepared);
        assertMerge(again, a);
        assertEquals(prepared.region().getRegionEpoch(), again.getRegionEpoch(),
                "after PrepareMerge (version and conf_ver + 1) still resent, for the epoch just reported");
        assertNull(h.heartbeat(a), "the target's operator sends nothing");
        assertMergeOperator(a, b, a);

        FakeRegion merged = a.merged(prepared);
        assertNull(h.heartbeat(merged), "the merged region covers every key: nothing left to do");
        assertNoOperator(a);
        assertNoOperator(b);
        Pdpb.GetRegionResponse gone = h.cluster.pd().getRegionByID(Pdpb.GetRegionByIDRequest.newBuilder()
                .setHeader(h.cluster.header()).setRegionId(b.region().getId()).build());
        assertFalse(gone.hasRegion(), "the source is gone from the tree: " + gone);
        assertEquals(merged.region(), regionAt("b").getRegion());

        assertNull(h.heartbeat(prepared), "a late heartbeat of the source is stale");
        assertNull(h.heartbeat(b));
        assertNoOperator(b);
        assertEquals(merged.region(), regionAt("b").getRegion(), "and changes nothing");
    }

    @Test
    void aRollbackEndsBothOperators() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        FakeRegion prepared = b.apply(h.heartbeat(b));
        assertMerge(h.heartbeat(prepared), a);

        // RollbackMerge: one more version. The region also grew, so it is no merge source now.
        // (Were PrepareMerge's conf_ver + 1 taken for a stale operator, the merge would have been
        // planned afresh at the prepared epoch, and this rollback would look like a PrepareMerge.)
        FakeRegion rolledBack = prepared.rolledBack().withSize(25, 1_000);
        assertNull(h.heartbeat(rolledBack));
        assertNoOperator(b);
        assertNoOperator(a);

        FakeRegion small = rolledBack.withSize(1, 1_000);
        assertMerge(h.heartbeat(small), a);
        assertMergeOperator(a, small, a);
    }

    @Test
    void aChangeOfTheTargetEndsBothOperators() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        assertMerge(h.heartbeat(b), a);

        FakeRegion changed = a.bumped(0, 1); // a conf change the PD did not ask for
        assertNull(h.heartbeat(changed));
        assertNoOperator(b);
        assertNoOperator(a);
        assertMerge(h.heartbeat(b), changed);
    }

    @Test
    void aTimedOutMergeEndsOnBothRegionsAndFreesItsSlot() {
        startWithMergeLimit(1);
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "c", 1);
        FakeRegion c = region("c", "d", 40);
        FakeRegion d = region("d", "", 1);
        settleIn(a, b, c, d);
        assertMerge(h.heartbeat(b), a);
        assertNull(h.heartbeat(d), "schedule.merge-schedule-limit is 1");

        later(Duration.ofMinutes(10).plusMillis(1));
        assertNoOperator(a);
        assertNoOperator(b);
        assertMerge(h.heartbeat(d), c);
        assertNull(h.heartbeat(a), "the timed-out merge ended on the target too");
    }

    @Test
    void theMergeScheduleLimitCapsRunningMerges() {
        startWithMergeLimit(1);
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "c", 1);
        FakeRegion c = region("c", "d", 40);
        FakeRegion d = region("d", "", 1);
        settleIn(a, b, c, d);
        Pdpb.RegionHeartbeatResponse merge = h.heartbeat(b);
        assertMerge(merge, a);
        assertNull(h.heartbeat(d));
        assertNoOperator(d);
        assertNull(h.heartbeat(a.merged(b.apply(merge))));
        assertMerge(h.heartbeat(d), c);
    }

    @Test
    void aTargetTakenByAnotherMergeIsNotChosen() {
        start();
        FakeRegion a = region("", "b", 1);
        FakeRegion b = region("b", "c", 10);
        FakeRegion c = region("c", "", 1);
        settleIn(a, b, c);
        assertMerge(h.heartbeat(a), b);
        assertNull(h.heartbeat(c), "its only neighbour has the passive operator of a's merge");
        assertNull(h.heartbeat(b), "and b, small enough to merge into c, is left alone while a merges into it");
        assertNoOperator(c);
    }

    @Test
    void aMergeComesBeforeLeaderBalanceAndIsNotPreempted() {
        start(PdSettings.of("http://127.0.0.1:2379"));
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "c", 1);
        FakeRegion c = region("c", "d", 40);
        FakeRegion x = region("d", "e", 30);
        FakeRegion y = region("e", "", 30);
        // Leaders: a on s2, c on s3, and b, x, y on s1, so that s1 leads two more than the others.
        a = a.withLeader(a.peerOnStore(s2));
        c = c.withLeader(c.peerOnStore(s3));
        for (FakeRegion r : new FakeRegion[] {a, c, x, y}) {
            assertNull(h.heartbeat(r));
        }
        assertTrue(h.heartbeat(b).hasTransferLeader(), "leader balance wants b's leader off s1");
        later(INTERVAL); // the transfer, never applied, times out meanwhile

        Pdpb.RegionHeartbeatResponse merge = h.heartbeat(b);
        assertMerge(merge, a);
        assertMerge(h.heartbeat(b), a);
        assertMergeOperator(b, b, a);

        FakeRegion rolledBack = b.apply(merge).rolledBack().withSize(25, 1_000);
        Pdpb.RegionHeartbeatResponse after = h.heartbeat(rolledBack);
        assertTrue(after != null && after.hasTransferLeader(), "only with the merge over does leader balance act: " + after);
    }

    @Test
    void aRegionThatAskedToSplitIsNotMergedWithinTheInterval() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        Pdpb.AskBatchSplitResponse ask = h.cluster.pd().askBatchSplit(Pdpb.AskBatchSplitRequest.newBuilder()
                .setHeader(h.cluster.header()).setRegion(b.region()).setSplitCount(1).build());
        assertFalse(ask.getHeader().hasError(), ask.toString());
        assertNull(h.heartbeat(b), "the store is about to split it");
        later(INTERVAL.minusMinutes(1));
        assertNull(h.heartbeat(b));
        later(Duration.ofMinutes(1));
        assertMerge(h.heartbeat(b), a);
    }

    /** b split at "m" into [b, m), keeping b's id, and [m, ) with a new id; both at version 3. */
    private FakeRegion leftPartOf(FakeRegion b) {
        return b.withRegion(b.region().toBuilder().setEndKey(ByteString.copyFromUtf8("m"))
                .setRegionEpoch(b.region().getRegionEpoch().toBuilder().setVersion(3)).build());
    }

    @Test
    void aSplitSeenOnlyInAHeartbeatIsNotMergedWithinTheInterval() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        // No AskBatchSplit or report reached the PD: the heartbeat shows a newer version over a
        // smaller range.
        FakeRegion left = leftPartOf(b);
        assertNull(h.heartbeat(left));
        later(INTERVAL.minusMillis(1));
        assertNull(h.heartbeat(left));
        later(Duration.ofMillis(1));
        assertMerge(h.heartbeat(left), a);
    }

    @Test
    void aReportedSplitIsNotMergedWithinTheInterval() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        FakeRegion left = leftPartOf(b);
        FakeRegion right = h.newRegion("m", "", s1, s2, s3).withSize(1, 1_000);
        right = right.withRegion(right.region().toBuilder().setRegionEpoch(Metapb.RegionEpoch.newBuilder()
                .setVersion(3).setConfVer(3)).build());
        Pdpb.ReportBatchSplitResponse report = h.cluster.pd().reportBatchSplit(Pdpb.ReportBatchSplitRequest.newBuilder()
                .setHeader(h.cluster.header()).addRegions(left.region()).addRegions(right.region()).build());
        assertFalse(report.getHeader().hasError(), report.toString());
        assertNull(h.heartbeat(left), "the heartbeat shows nothing new; the report said it split");
        assertNull(h.heartbeat(right));
        later(INTERVAL);
        assertMerge(h.heartbeat(right), left);
    }

    @Test
    void afterARestartNothingMergesUntilTheIntervalPassesAndTheNeighbourHasReported() {
        start();
        FakeRegion a = region("", "b", 30);
        FakeRegion b = region("b", "", 1);
        settleIn(a, b);
        h.cluster.restart();
        h.storeHeartbeatAllBut();
        assertNull(h.heartbeat(b), "the PD just started");
        later(INTERVAL);
        assertNull(h.heartbeat(b), "a has not heartbeated since the restart: its size is unknown");
        assertNull(h.heartbeat(a));
        assertMerge(h.heartbeat(b), a);
    }

    @Test
    void withMaxMergeRegionSizeZeroNothingMerges() {
        ScheduleSettings schedule = ReplicaCheckerTest.SETTINGS.schedule();
        start(ReplicaCheckerTest.SETTINGS.withSchedule(schedule.withMerge(schedule.merge().withMaxRegion(0, 200_000))));
        FakeRegion a = region("", "b", 0);
        FakeRegion b = region("b", "", 0);
        settleIn(a, b);
        assertNull(h.heartbeat(b));
        assertNull(h.heartbeat(a));
    }
}
