package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongToIntFunction;

/**
 * Where replicas should go: PD's location scoring ({@code core.DistinctScore}) and the choice of a
 * store for a new replica. Pure: everything comes in as arguments.
 */
final class Placement {
    /** PD's {@code replicaBaseScore}: differing at one label level outweighs any number below it. */
    static final long BASE = 100;

    private Placement() {
    }

    /**
     * How isolated {@code candidate} is from {@code others}: for each other store, BASE to the power
     * of how many label levels lie below the first level where the two differ (0 if they differ
     * nowhere). A label missing on either store matches anything; values compare ignoring case. As
     * PD's {@code DistinctScore}.
     */
    static long distinctScore(List<String> labels, List<Metapb.Store> others, Metapb.Store candidate) {
        long score = 0;
        for (Metapb.Store other : others) {
            if (other.getId() == candidate.getId()) {
                continue;
            }
            int level = firstDifference(labels, other, candidate);
            if (level >= 0) {
                score += pow(BASE, labels.size() - level - 1);
            }
        }
        return score;
    }

    private static int firstDifference(List<String> labels, Metapb.Store a, Metapb.Store b) {
        for (int i = 0; i < labels.size(); i++) {
            String va = label(a, labels.get(i));
            String vb = label(b, labels.get(i));
            if (!va.isEmpty() && !vb.isEmpty() && !va.equalsIgnoreCase(vb)) {
                return i;
            }
        }
        return -1;
    }

    static String label(Metapb.Store store, String key) {
        for (Metapb.StoreLabel l : store.getLabelsList()) {
            if (l.getKey().equalsIgnoreCase(key)) {
                return l.getValue();
            }
        }
        return "";
    }

    private static long pow(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }

    /**
     * The store for a new replica of {@code region}, or null when none fits: an available store
     * holding no peer of the region, most isolated from the region's peers on healthy stores
     * (peers on other stores are about to go), then with the fewest regions, then the lowest id.
     */
    static Metapb.Store pickTarget(RegionShape region, StoreHealth.Snapshot health, List<String> labels,
            LongToIntFunction regionCount) {
        List<Metapb.Store> placed = new ArrayList<>();
        for (Metapb.Peer p : region.region().getPeersList()) {
            Metapb.Store s = health.healthyStore(p.getStoreId());
            if (s != null) {
                placed.add(s);
            }
        }
        Metapb.Store best = null;
        long bestScore = 0;
        int bestCount = 0;
        for (Metapb.Store candidate : health.available()) {
            if (region.peerOnStore(candidate.getId()) != null) {
                continue;
            }
            long score = distinctScore(labels, placed, candidate);
            int count = regionCount.applyAsInt(candidate.getId());
            // available() is in id order, so on a full tie the first (lowest id) store stays.
            if (best == null || score > bestScore || score == bestScore && count < bestCount) {
                best = candidate;
                bestScore = score;
                bestCount = count;
            }
        }
        return best;
    }

    /**
     * The order in which surplus peers go, worst first: on an unhealthy store, down, pending, a
     * learner, least isolated from the others (PD's {@code SelectStoreToRemove}), on the store
     * with the most regions, then the highest store id. The leader sorts after every peer of its
     * health class (the first four criteria), since it cannot be removed without a transfer: it
     * comes first only when it alone is in the worst class.
     */
    static Comparator<Metapb.Peer> removalOrder(RegionShape region, StoreHealth.Snapshot health, List<String> labels,
            LongToIntFunction regionCount) {
        List<Metapb.Store> placed = new ArrayList<>();
        for (Metapb.Peer p : region.region().getPeersList()) {
            Metapb.Store s = health.healthyStore(p.getStoreId());
            if (s != null) {
                placed.add(s);
            }
        }
        Comparator<Metapb.Peer> worse = Comparator
                .<Metapb.Peer, Boolean>comparing(p -> !health.isHealthy(p.getStoreId()))
                .thenComparing(region::isDown)
                .thenComparing(region::isPending)
                .thenComparing(p -> p.getRole() == Metapb.PeerRole.Learner)
                .reversed();
        return worse
                .thenComparing(p -> region.isLeader(p))
                .thenComparingLong(p -> {
                    Metapb.Store s = health.healthyStore(p.getStoreId());
                    return s == null ? 0 : distinctScore(labels, placed, s);
                })
                .thenComparing(Comparator.<Metapb.Peer>comparingInt(p -> regionCount.applyAsInt(p.getStoreId())).reversed())
                .thenComparing(Comparator.<Metapb.Peer>comparingLong(Metapb.Peer::getStoreId).reversed());
    }
}
