package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvasir.kvproto.Metapb;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PD's location score, checked by hand against {@code core.DistinctScore}'s definition. */
class PlacementTest {
    private static final List<String> LABELS = List.of("zone", "rack", "host");

    private static Metapb.Store store(long id, String zone, String rack, String host) {
        Metapb.Store.Builder b = Metapb.Store.newBuilder().setId(id);
        String[][] pairs = {{"zone", zone}, {"rack", rack}, {"host", host}};
        for (String[] kv : pairs) {
            if (kv[1] != null) {
                b.addLabels(Metapb.StoreLabel.newBuilder().setKey(kv[0]).setValue(kv[1]));
            }
        }
        return b.build();
    }

    @Test
    void differingHigherUpCountsMore() {
        Metapb.Store a = store(1, "z1", "r1", "h1");
        assertEquals(10_000, Placement.distinctScore(LABELS, List.of(a), store(2, "z2", "r1", "h1")));
        assertEquals(100, Placement.distinctScore(LABELS, List.of(a), store(3, "z1", "r2", "h1")));
        assertEquals(1, Placement.distinctScore(LABELS, List.of(a), store(4, "z1", "r1", "h2")));
        assertEquals(0, Placement.distinctScore(LABELS, List.of(a), store(5, "z1", "r1", "h1")));
    }

    @Test
    void scoresAddUpOverTheOtherStoresAndSkipTheCandidateItself() {
        Metapb.Store a = store(1, "z1", "r1", "h1");
        Metapb.Store b = store(2, "z2", "r1", "h1");
        Metapb.Store c = store(3, "z2", "r2", "h1");
        assertEquals(10_000 + 100, Placement.distinctScore(LABELS, List.of(a, b, c), c));
    }

    @Test
    void aMissingLabelMatchesAnythingAndCaseIsIgnored() {
        Metapb.Store a = store(1, "z1", null, "h1");
        assertEquals(1, Placement.distinctScore(LABELS, List.of(a), store(2, "Z1", "r9", "h2")));
        assertEquals(0, Placement.distinctScore(List.of(), List.of(a), store(3, "z2", "r1", "h1")));
    }
}
