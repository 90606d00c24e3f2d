package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The region tree against a naive twin: a list scanned linearly. Random splits and merges (with
 * epochs as TiKV bumps them) and replays of old regions (which must be stale) are applied to both;
 * after every step each lookup must agree. Failing seeds are printed in the message.
 */
class RegionTreeTest {
    private static final Comparator<ByteString> ORDER = ByteString.unsignedLexicographicalComparator();

    private static ByteString key(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Two peers on stores that vary with the id; regions with an even id have a leader. */
    private static Pdpb.Region region(long id, String start, String end, long version, long confVer) {
        Metapb.Peer first = Metapb.Peer.newBuilder().setId(id * 100).setStoreId(1 + id % 3).build();
        Pdpb.Region.Builder b = Pdpb.Region.newBuilder().setRegion(Metapb.Region.newBuilder().setId(id)
                .setStartKey(key(start)).setEndKey(key(end))
                .setRegionEpoch(Metapb.RegionEpoch.newBuilder().setVersion(version).setConfVer(confVer))
                .addPeers(first)
                .addPeers(Metapb.Peer.newBuilder().setId(id * 100 + 1).setStoreId(4 + id % 2)));
        if (id % 2 == 0) {
            b.setLeader(first);
        }
        return b.build();
    }

    @Test
    void updatesReportWhatTheyDid() {
        RegionTree tree = new RegionTree();
        Pdpb.Region all = region(1, "", "", 1, 1);
        assertEquals(RegionTree.Outcome.APPLIED, tree.update(all).outcome());
        assertEquals(RegionTree.Outcome.UNCHANGED, tree.update(all).outcome());
        Pdpb.Region leftHalf = region(2, "", "m", 2, 1);
        RegionTree.Update split = tree.update(leftHalf);
        assertEquals(RegionTree.Outcome.APPLIED, split.outcome());
        assertEquals(List.of(all), split.removed());
        assertNull(tree.byKey(key("x")), "the right half is unknown until reported");
        assertEquals(RegionTree.Outcome.STALE, tree.update(region(3, "a", "", 1, 1)).outcome(),
                "an overlapping region with an older version is stale");
        assertEquals(RegionTree.Outcome.APPLIED, tree.update(region(1, "m", "", 2, 1)).outcome());
        assertEquals(RegionTree.Outcome.STALE, tree.update(region(1, "m", "", 2, 0)).outcome());
        assertEquals(2, tree.size());
    }

    private static RegionShape report(Pdpb.Region r, long sizeMib) {
        return new RegionShape(r.getRegion(), r.getLeader(), Set.of(), Set.of(), sizeMib << 20, sizeMib * 1000);
    }

    @Test
    void aReportLivesExactlyAsLongAsTheRegionItDescribes() {
        RegionTree tree = new RegionTree();
        Pdpb.Region all = region(2, "", "", 1, 1);
        RegionShape first = report(all, 3);
        tree.update(all, first);
        assertEquals(first, tree.reported(2));
        tree.update(all);
        assertEquals(first, tree.reported(2), "the same region again without a heartbeat keeps the report");
        RegionShape bigger = report(all, 9);
        assertEquals(RegionTree.Outcome.UNCHANGED, tree.update(all, bigger).outcome());
        assertEquals(bigger, tree.reported(2), "an unchanged region's heartbeat still refreshes its report");

        Pdpb.Region right = region(2, "m", "", 2, 1);
        tree.update(right);
        assertNull(tree.reported(2), "changed by a split report: the old report describes another range");
        tree.update(right, report(right, 1));
        Pdpb.Region left = region(4, "", "m", 2, 1);
        tree.update(left, report(left, 1));
        Pdpb.Region merged = region(4, "", "", 3, 1);
        tree.update(merged);
        assertNull(tree.reported(2), "removed by overlap: its report goes with it");
        assertNull(tree.reported(4));
        assertEquals(RegionTree.Outcome.STALE, tree.update(right, report(right, 5)).outcome());
        assertNull(tree.reported(2), "a stale heartbeat is not kept");
        assertThrows(IllegalArgumentException.class, () -> tree.update(merged, report(left, 1)));
    }

    @Test
    void anUpdateRevealsASplitWhenTheRegionIsNewOrShrankWithANewVersion() {
        RegionTree tree = new RegionTree();
        Pdpb.Region all = region(1, "", "", 1, 1);
        assertTrue(tree.update(all).revealsSplit(all.getRegion()), "a region id appears only by a split");
        assertFalse(tree.update(all).revealsSplit(all.getRegion()), "unchanged");
        Pdpb.Region left = region(1, "", "m", 2, 1);
        assertTrue(tree.update(left).revealsSplit(left.getRegion()));
        Pdpb.Region right = region(2, "m", "", 2, 1);
        assertTrue(tree.update(right).revealsSplit(right.getRegion()));
        Pdpb.Region prepared = region(1, "", "m", 3, 2);
        assertFalse(tree.update(prepared).revealsSplit(prepared.getRegion()), "PrepareMerge keeps the range");
        Pdpb.Region rolledBack = region(1, "", "m", 4, 2);
        assertFalse(tree.update(rolledBack).revealsSplit(rolledBack.getRegion()), "so does RollbackMerge");
        Pdpb.Region merged = region(2, "", "", 5, 1);
        assertFalse(tree.update(merged).revealsSplit(merged.getRegion()), "a merge grows the range");
        Pdpb.Region stale = region(7, "a", "b", 1, 1);
        assertFalse(tree.update(stale).revealsSplit(stale.getRegion()), "stale: nothing applied");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void agreesWithANaiveTwinUnderRandomSplitsMergesAndReplays(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RegionTree tree = new RegionTree();
        List<Pdpb.Region> model = new ArrayList<>();
        List<Pdpb.Region> history = new ArrayList<>();
        long nextId = 2;
        Pdpb.Region first = region(1, "", "", 1, 1);
        tree.update(first);
        model.add(first);
        history.add(first);
        for (int step = 0; step < 400; step++) {
            String context = "seed " + seed + " step " + step;
            int op = random.nextInt(10);
            if (op < 5) {
                // Split a random region at a random key inside it; the left part is new (right-derive).
                Pdpb.Region r = model.get(random.nextInt(model.size()));
                String splitKey = randomKey(random);
                Metapb.Region m = r.getRegion();
                if (ORDER.compare(key(splitKey), m.getStartKey()) <= 0
                        || !m.getEndKey().isEmpty() && ORDER.compare(key(splitKey), m.getEndKey()) >= 0) {
                    continue;
                }
                long version = m.getRegionEpoch().getVersion() + 1;
                Pdpb.Region leftPart = region(nextId++, m.getStartKey().toStringUtf8(), splitKey, version, 1);
                Pdpb.Region rightPart = region(m.getId(), splitKey, m.getEndKey().toStringUtf8(), version, 1);
                // Either report order must end in the same tree.
                List<Pdpb.Region> order = random.nextBoolean() ? List.of(leftPart, rightPart) : List.of(rightPart, leftPart);
                for (Pdpb.Region part : order) {
                    assertEquals(RegionTree.Outcome.APPLIED, tree.update(part).outcome(), context);
                    history.add(part);
                }
                model.remove(r);
                model.add(leftPart);
                model.add(rightPart);
            } else if (op < 8 && model.size() > 1) {
                // Merge two neighbours; the right one survives with a version above both.
                model.sort((a, b) -> ORDER.compare(a.getRegion().getStartKey(), b.getRegion().getStartKey()));
                int i = random.nextInt(model.size() - 1);
                Metapb.Region a = model.get(i).getRegion();
                Metapb.Region b = model.get(i + 1).getRegion();
                long version = Math.max(a.getRegionEpoch().getVersion(), b.getRegionEpoch().getVersion()) + 1;
                Pdpb.Region merged = region(b.getId(), a.getStartKey().toStringUtf8(), b.getEndKey().toStringUtf8(), version, 1);
                RegionTree.Update u = tree.update(merged);
                assertEquals(RegionTree.Outcome.APPLIED, u.outcome(), context);
                assertEquals(List.of(model.get(i)), u.removed(), context);
                history.add(merged);
                model.remove(i + 1);
                model.set(i, merged);
            } else {
                // Replay something old: it must change nothing.
                Pdpb.Region old = history.get(random.nextInt(history.size()));
                if (!model.contains(old)) {
                    assertEquals(RegionTree.Outcome.STALE, tree.update(old).outcome(), context + " replaying " + old);
                }
            }
            check(tree, model, random, context);
        }
    }

    private static String randomKey(SplittableRandom random) {
        int length = 1 + random.nextInt(3);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(6)));
        }
        return b.toString();
    }

    private static void check(RegionTree tree, List<Pdpb.Region> model, SplittableRandom random, String context) {
        List<Pdpb.Region> sorted = new ArrayList<>(model);
        sorted.sort((a, b) -> ORDER.compare(a.getRegion().getStartKey(), b.getRegion().getStartKey()));
        assertEquals(sorted, tree.all(), context);
        for (int i = 0; i < 8; i++) {
            ByteString k = key(random.nextInt(4) == 0 ? "" : randomKey(random));
            Pdpb.Region expected = naiveByKey(sorted, k);
            assertEquals(expected, tree.byKey(k), context + " key " + k.toStringUtf8());
            int at = sorted.indexOf(expected);
            assertEquals(at > 0 ? sorted.get(at - 1) : null, tree.prev(k), context + " prev of " + k.toStringUtf8());
            int limit = random.nextInt(4);
            ByteString end = random.nextBoolean() ? ByteString.EMPTY : key(randomKey(random));
            assertEquals(naiveScan(sorted, k, end, limit), tree.scan(k, end, limit), context + " scan");
        }
        for (int i = 0; i < sorted.size(); i++) {
            Pdpb.Region r = sorted.get(i);
            assertEquals(r, tree.byId(r.getRegion().getId()), context);
            // The model always covers every key, so neighbours are the list neighbours.
            assertEquals(i > 0 ? sorted.get(i - 1) : null, tree.endingAt(r.getRegion().getStartKey()), context);
            assertEquals(i + 1 < sorted.size() ? sorted.get(i + 1) : null, tree.startingAt(r.getRegion().getEndKey()),
                    context);
        }
        for (long store = 1; store <= 6; store++) {
            int regions = 0;
            int leaders = 0;
            for (Pdpb.Region r : sorted) {
                for (Metapb.Peer p : r.getRegion().getPeersList()) {
                    regions += p.getStoreId() == store ? 1 : 0;
                }
                leaders += r.getLeader().getId() != 0 && r.getLeader().getStoreId() == store ? 1 : 0;
            }
            assertEquals(regions, tree.regionCount(store), context + " regions on store " + store);
            assertEquals(leaders, tree.leaderCount(store), context + " leaders on store " + store);
        }
    }

    private static Pdpb.Region naiveByKey(List<Pdpb.Region> sorted, ByteString k) {
        for (Pdpb.Region r : sorted) {
            Metapb.Region m = r.getRegion();
            if (ORDER.compare(m.getStartKey(), k) <= 0 && (m.getEndKey().isEmpty() || ORDER.compare(k, m.getEndKey()) < 0)) {
                return r;
            }
        }
        return null;
    }

    private static List<Pdpb.Region> naiveScan(List<Pdpb.Region> sorted, ByteString start, ByteString end, int limit) {
        List<Pdpb.Region> result = new ArrayList<>();
        for (Pdpb.Region r : sorted) {
            Metapb.Region m = r.getRegion();
            boolean endsAfterStart = m.getEndKey().isEmpty() || ORDER.compare(m.getEndKey(), start) > 0;
            boolean startsBeforeEnd = end.isEmpty() || ORDER.compare(m.getStartKey(), end) < 0;
            if (endsAfterStart && startsBeforeEnd && (limit <= 0 || result.size() < limit)) {
                result.add(r);
            }
        }
        return result;
    }
}
