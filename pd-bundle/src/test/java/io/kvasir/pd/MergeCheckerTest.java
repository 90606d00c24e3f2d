package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The merge checker's decision alone, over a region tree filled by hand: which region may merge,
 * into which neighbour, and why not. Three regions sit side by side on stores 1, 2 and 3, the
 * source in the middle: {@code prev} [, b), {@code source} [b, c), {@code next} [c, ). Time is a
 * number: the PD started at {@link #START}, and the checks run one split-merge interval later
 * unless a test says otherwise.
 */
class MergeCheckerTest {
    static final long START = 1_000_000;
    static final long LATER = START + Duration.ofHours(1).toMillis();
    static final LongPredicate IDLE = id -> false;

    final RegionTree tree = new RegionTree();
    FakeRegion prev = region(10, "", "b", 1, 2, 3).withSize(5, 5_000);
    FakeRegion source = region(20, "b", "c", 1, 2, 3).withSize(1, 1_000);
    FakeRegion next = region(30, "c", "", 1, 2, 3).withSize(10, 10_000);

    /** A region of voters on {@code stores}, led by the first, version 5, peer ids id*10+i. */
    static FakeRegion region(long id, String start, String end, long... stores) {
        Metapb.Region.Builder b = Metapb.Region.newBuilder().setId(id)
                .setStartKey(ByteString.copyFromUtf8(start)).setEndKey(ByteString.copyFromUtf8(end))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(5).setConfVer(stores.length));
        for (int i = 0; i < stores.length; i++) {
            b.addPeers(Metapb.Peer.newBuilder().setId(id * 10 + i).setStoreId(stores[i]));
        }
        return FakeRegion.of(b.build());
    }

    static RegionShape shape(FakeRegion r) {
        return RegionShape.of(r.request(Pdpb.RequestHeader.getDefaultInstance()));
    }

    /** Puts {@code regions} in the tree with their heartbeats, as their leaders' heartbeats would. */
    void report(FakeRegion... regions) {
        report(tree, regions);
    }

    static void report(RegionTree into, FakeRegion... regions) {
        for (FakeRegion r : regions) {
            into.update(Pdpb.Region.newBuilder().setRegion(r.region()).setLeader(r.leader()).build(), shape(r));
        }
    }

    static MergeChecker checker(MergeSettings settings, RegionTree tree) {
        return new MergeChecker(settings, 3, tree, START);
    }

    MergeChecker.Plan check(MergeSettings settings) {
        report(prev, source, next);
        return checker(settings, tree).check(shape(source), IDLE, LATER);
    }

    MergeChecker.Plan check() {
        return check(MergeSettings.DEFAULTS);
    }

    static Step.Merge merge(MergeChecker.Plan plan) {
        assertNotNull(plan, "expected a merge");
        return (Step.Merge) plan.source().step();
    }

    /** The id of the region {@code plan} merges the source into. */
    static long targetOf(MergeChecker.Plan plan) {
        return merge(plan).target().getId();
    }

    @Test
    void aSmallHealthyRegionMergesIntoTheSmallerNeighbourWithTwoOperators() {
        MergeChecker.Plan plan = check();
        Step.Merge active = merge(plan);
        assertEquals(source.region(), active.source());
        assertEquals(prev.region(), active.target(), "prev (5 MiB) is smaller than next (10 MiB)");
        assertFalse(active.passive());
        assertEquals(Operator.Kind.MERGE, plan.source().kind());
        assertEquals(source.region().getRegionEpoch(), plan.source().epoch());
        assertEquals("merge-region: merge region 20 into region 10", plan.source().describe());

        Step.Merge passive = (Step.Merge) plan.target().step();
        assertTrue(passive.passive());
        assertEquals(active.source(), passive.source());
        assertEquals(active.target(), passive.target());
        assertEquals(Operator.Kind.MERGE, plan.target().kind());
        assertEquals(prev.region().getRegionEpoch(), plan.target().epoch());
        assertTrue(passive.isApplied(shape(prev)), "the passive twin is never sent");
        assertFalse(active.isApplied(shape(source.bumped(1, 1))), "the active step is resent even after PrepareMerge");
    }

    @Test
    void theNextNeighbourWinsWhenItIsSmallerOrAsSmall() {
        next = next.withSize(2, 2_000);
        assertEquals(30, targetOf(check()));
        next = next.withSize(5, 5_000);
        assertEquals(30, targetOf(check()), "a tie goes to the next region, as in PD");
        next = next.withSize(6, 5_000);
        assertEquals(10, targetOf(check()));
    }

    @Test
    void oneWayMergeOnlyEverPicksTheNextRegion() {
        MergeSettings oneWay = MergeSettings.DEFAULTS.withOneWay(true);
        assertEquals(30, targetOf(check(oneWay)), "prev is smaller, but one-way merge looks only forward");

        RegionTree twoRegions = new RegionTree();
        FakeRegion last = region(20, "b", "", 1, 2, 3).withSize(1, 1_000);
        report(twoRegions, prev, last);
        assertNull(checker(oneWay, twoRegions).check(shape(last), IDLE, LATER), "the last region has no next region");
        assertEquals(10, targetOf(checker(MergeSettings.DEFAULTS, twoRegions).check(shape(last), IDLE, LATER)),
                "two-way merge takes the previous one");
    }

    @Test
    void aRegionAboveEitherLimitDoesNotMerge() {
        source = source.withSize(20, 200_000);
        assertNotNull(check(), "at both limits exactly: merged");
        source = source.withSize(21, 1_000);
        assertNull(check(), "21 MiB > schedule.max-merge-region-size");
        source = source.withSize(1, 200_001);
        assertNull(check(), "more keys than schedule.max-merge-region-keys");
        source = new FakeRegion(source.region(), source.leader(), Set.of(), Map.of(), (20L << 20) + (1L << 20) - 1, 1);
        assertNotNull(check(), "sizes count in whole MiB, rounded down, as PD counts them");
    }

    @Test
    void sizeZeroOrLimitZeroTurnsMergingOff() {
        source = source.withSize(0, 0);
        assertNotNull(check());
        assertNull(check(MergeSettings.DEFAULTS.withMaxRegion(0, 200_000)), "even an empty region counts as 1 MiB");
        assertNull(check(MergeSettings.DEFAULTS.withScheduleLimit(0)));
    }

    @Test
    void nothingMergesWithinTheSplitMergeIntervalOfTheStartOrOfASplit() {
        report(prev, source, next);
        MergeChecker checker = checker(MergeSettings.DEFAULTS, tree);
        assertNull(checker.check(shape(source), IDLE, LATER - 1), "the PD started less than an hour ago");
        assertNotNull(checker.check(shape(source), IDLE, LATER));

        checker.recordSplit(source.region().getId(), LATER);
        assertNull(checker.check(shape(source), IDLE, LATER + Duration.ofMinutes(59).toMillis()), "source just split");
        assertNotNull(checker.check(shape(source), IDLE, LATER + Duration.ofHours(1).toMillis()));

        long then = LATER + Duration.ofHours(2).toMillis();
        checker.recordSplit(prev.region().getId(), then);
        assertEquals(30, targetOf(checker.check(shape(source), IDLE, then)), "a target just split is skipped too");
        checker.recordSplit(next.region().getId(), then);
        assertNull(checker.check(shape(source), IDLE, then));
        checker.prune(then + Duration.ofHours(1).toMillis());
        assertEquals(10, targetOf(checker.check(shape(source), IDLE, then + Duration.ofHours(1).toMillis())));
    }

    @Test
    void anUnhealthySourceDoesNotMerge() {
        Metapb.Peer follower = source.region().getPeers(1);
        FakeRegion healthy = source;
        source = healthy.withPending(follower.getId());
        assertNull(check(), "a pending peer");
        source = healthy.withDown(follower.getId(), 60);
        assertNull(check(), "a down peer");
        source = healthy.withRegion(withRole(healthy.region(), 2, Metapb.PeerRole.Learner));
        assertNull(check(), "a learner");
        source = healthy.withRegion(withRole(healthy.region(), 2, Metapb.PeerRole.DemotingVoter));
        assertNull(check(), "joint consensus");
        source = region(20, "b", "c", 1, 2).bumped(0, 2).withSize(1, 1_000);
        assertNull(check(), "fewer peers than max-replicas");
        source = healthy;
        assertNotNull(check());
    }

    @Test
    void anUnhealthyNeighbourIsNotATarget() {
        Metapb.Peer follower = prev.region().getPeers(1);
        FakeRegion healthy = prev;
        prev = healthy.withPending(follower.getId());
        assertEquals(30, targetOf(check()), "a pending peer");
        prev = healthy.withDown(follower.getId(), 60);
        assertEquals(30, targetOf(check()), "a down peer");
        prev = healthy.withRegion(withRole(healthy.region(), 2, Metapb.PeerRole.Learner));
        assertEquals(30, targetOf(check()), "a learner");
        prev = healthy.withRegion(withRole(healthy.region(), 0, Metapb.PeerRole.IncomingVoter));
        assertEquals(30, targetOf(check()), "joint consensus");
        prev = healthy;
        next = next.withPending(next.region().getPeers(2).getId());
        assertEquals(10, targetOf(check()));
        prev = healthy.withPending(follower.getId());
        assertNull(check(), "neither neighbour is healthy");
    }

    @Test
    void aNeighbourOnOtherStoresIsNotATarget() {
        prev = region(10, "", "b", 1, 2, 4).withSize(1, 1);
        assertEquals(30, targetOf(check()), "prev has a peer on store 4 instead of 3");
        next = region(30, "c", "", 3, 2, 1).withSize(1, 1);
        assertEquals(30, targetOf(check()), "the same stores in another order are the same stores");
        next = region(30, "c", "", 2, 3, 5).withSize(1, 1);
        assertNull(check());
    }

    @Test
    void aNeighbourOfUnknownSizeOrWithAnOperatorIsNotATarget() {
        report(prev, source, next);
        // prev changed by a split report since its last heartbeat: its size is unknown.
        FakeRegion shrunk = prev.withRegion(prev.region().toBuilder().setStartKey(ByteString.copyFromUtf8("a"))
                .setRegionEpoch(prev.region().getRegionEpoch().toBuilder().setVersion(6)).build());
        tree.update(Pdpb.Region.newBuilder().setRegion(shrunk.region()).setLeader(shrunk.leader()).build());
        MergeChecker checker = checker(MergeSettings.DEFAULTS, tree);
        assertEquals(30, targetOf(checker.check(shape(source), IDLE, LATER)));
        assertNull(checker.check(shape(source), id -> id == 30, LATER), "next has a running operator");

        RegionTree fresh = new RegionTree();
        fresh.update(Pdpb.Region.newBuilder().setRegion(next.region()).setLeader(next.leader()).build());
        fresh.update(Pdpb.Region.newBuilder().setRegion(source.region()).setLeader(source.leader()).build(),
                shape(source));
        assertNull(checker(MergeSettings.DEFAULTS, fresh).check(shape(source), IDLE, LATER),
                "a region known but never heartbeated (say, loaded after a restart) has unknown size");
    }

    @Test
    void aTargetTooLargeOrAMergeTheStoreWouldSplitIntoASmallPieceIsRefused() {
        next = region(30, "c", "", 4, 5, 6); // on other stores: prev is the only candidate
        prev = prev.withSize(MergeChecker.MAX_TARGET_SIZE_MIB + 1, 1_000);
        assertNull(check(), "prev is above PD's 576 MiB bound for a target");
        prev = prev.withSize(MergeChecker.MAX_TARGET_SIZE_MIB, 1_000);
        assertNull(check(), "1 + 576 = 577 MiB: split by 96 MiB it leaves 1 MiB, which would merge again");
        prev = prev.withSize(200, 1_000);
        assertNull(check(), "201 MiB leaves 9 MiB");
        prev = prev.withSize(180, 1_000);
        assertEquals(10, targetOf(check()), "181 MiB leaves 85 MiB, too big to merge again");
        prev = prev.withSize(191, 1_000);
        assertEquals(10, targetOf(check()), "192 MiB splits evenly");
        prev = prev.withSize(143, 1_000);
        assertEquals(10, targetOf(check()), "144 MiB reaches region-max-size and leaves 48 MiB");
        prev = prev.withSize(142, 1_000);
        assertEquals(10, targetOf(check()), "143 MiB is not split at all");

        prev = prev.withSize(5, 1_919_500);
        assertNull(check(), "1,920,500 keys split by 960,000 leave 500 keys, which would merge again");
        prev = prev.withSize(5, 1_499_000);
        assertEquals(10, targetOf(check()), "1,500,000 keys leave 540,000");
        prev = prev.withSize(5, 1_400_000);
        assertEquals(10, targetOf(check()), "1,401,000 keys stay below region-max-keys");
    }

    @Test
    void theFirstAndLastRegionsHaveOneNeighbourEach() {
        report(prev, source, next);
        MergeChecker checker = checker(MergeSettings.DEFAULTS, tree);
        FakeRegion first = prev.withSize(1, 1);
        report(first);
        assertEquals(20, targetOf(checker.check(shape(first), IDLE, LATER)));
        FakeRegion last = next.withSize(1, 1);
        report(last);
        assertEquals(20, targetOf(checker.check(shape(last), IDLE, LATER)));
    }

    private static Metapb.Region withRole(Metapb.Region region, int index, Metapb.PeerRole role) {
        return region.toBuilder().setPeers(index, region.getPeers(index).toBuilder().setRole(role)).build();
    }
}
