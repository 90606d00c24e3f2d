package io.kvasir.raft.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * A set of voters deciding by simple majority (etcd {@code quorum/majority.go}). Immutable; the
 * ids are kept sorted so every iteration is deterministic.
 */
final class MajorityConfig {

    static final MajorityConfig EMPTY = new MajorityConfig(new long[0]);

    /** Supplies the index a voter has acknowledged; 0 when it has acknowledged nothing. */
    @FunctionalInterface
    interface AckedIndexer {
        long ackedIndex(long id);
    }

    private final long[] ids;

    private MajorityConfig(long[] sortedDistinct) {
        this.ids = sortedDistinct;
    }

    static MajorityConfig of(long... ids) {
        long[] copy = Arrays.stream(ids).distinct().sorted().toArray();
        return copy.length == 0 ? EMPTY : new MajorityConfig(copy);
    }

    static MajorityConfig of(Collection<Long> ids) {
        return of(ids.stream().mapToLong(Long::longValue).toArray());
    }

    int size() {
        return ids.length;
    }

    boolean isEmpty() {
        return ids.length == 0;
    }

    boolean contains(long id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    /** The ids, sorted ascending (a copy). */
    long[] ids() {
        return ids.clone();
    }

    /** The i-th id in ascending order. */
    long idAt(int i) {
        return ids[i];
    }

    /**
     * The highest index acknowledged by a majority: sort the acknowledged indexes ascending and take
     * the one a majority is at or above. An empty config answers {@link Long#MAX_VALUE}, so that a
     * joint config whose outgoing half is empty is decided by its incoming half alone.
     */
    long committedIndex(AckedIndexer acked) {
        int n = ids.length;
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        if (n == 1) {
            return acked.ackedIndex(ids[0]);
        }
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            // Insertion sort: configs are tiny (3 to 7 voters).
            long v = acked.ackedIndex(ids[i]);
            int j = i;
            while (j > 0 && sorted[j - 1] > v) {
                sorted[j] = sorted[j - 1];
                j--;
            }
            sorted[j] = v;
        }
        return sorted[n - (n / 2 + 1)];
    }

    /**
     * Counts {@code votes} (true = yes, false = no, absent = not yet): WON with a majority of yes,
     * LOST when even all missing votes could not make one. An empty config wins: it is the absent
     * outgoing half of a non-joint config.
     */
    VoteResult voteResult(Map<Long, Boolean> votes) {
        if (ids.length == 0) {
            return VoteResult.WON;
        }
        int yes = 0;
        int missing = 0;
        for (long id : ids) {
            Boolean v = votes.get(id);
            if (v == null) {
                missing++;
            } else if (v) {
                yes++;
            }
        }
        int quorum = ids.length / 2 + 1;
        if (yes >= quorum) {
            return VoteResult.WON;
        }
        if (yes + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig m && Arrays.equals(ids, m.ids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    /** {@code (1 2 3)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(ids[i]);
        }
        return sb.append(')').toString();
    }
}
