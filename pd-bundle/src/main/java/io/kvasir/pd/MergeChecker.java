package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Decides whether a small region should merge into a neighbour, and which (PD's
 * {@code checker/merge_checker.go}). The source is the region heartbeating now; its neighbours are
 * read from the {@link RegionTree} with their last reports.
 *
 * <p>The source must be <i>healthy</i>: a leader, no pending or down peer, not in joint
 * consensus, only Voters and exactly {@code replication.max-replicas} of them (PD's
 * {@code IsRegionHealthy} and {@code IsRegionReplicated}); at most
 * {@code schedule.max-merge-region-size} MiB and {@code schedule.max-merge-region-keys} keys; and
 * not split within {@code schedule.split-merge-interval}, nor the PD started within it (until then
 * the PD has not heard every region's size). A candidate target is the region ending where the
 * source starts or starting where it ends, reported since it last changed (its size is known),
 * healthy by the same rules, not recently split, without a running operator, and with its peers
 * on exactly the source's stores. PD would first move the source's peers onto the target's
 * stores; that is left out here, so regions on different stores simply do not merge. Both
 * neighbours qualifying, the smaller wins (by reported bytes; PD compares whole MiB), the next one
 * on a tie; with {@code schedule.enable-one-way-merge} only the next one is considered (PD's
 * choice). Nothing here knows hot regions or placement rules, which PD also consults.
 *
 * <p>Sizes, as PD bounds them: a target above {@link #MAX_TARGET_SIZE_MIB} is refused, and so is a
 * pair whose merged region the store would split again leaving a piece small enough to be merged
 * once more (PD's {@code StoreConfig.CheckRegionSize/Keys}), which would make merges and splits
 * chase each other. The split thresholds are TiKV's {@code coprocessor} defaults, which PD also
 * assumes when it cannot read the store's configuration (and Kvasir's raft-bundle defaults too).
 *
 * <p>Not thread-safe: the {@link OperatorController} calls it under its lock.
 */
final class MergeChecker {
    /** TiKV's {@code coprocessor.region-max-size} default, in MiB: a larger region is split. */
    static final long REGION_MAX_SIZE_MIB = 144;
    /** TiKV's {@code coprocessor.region-split-size} default, in MiB: the size of the split pieces. */
    static final long REGION_SPLIT_SIZE_MIB = 96;
    /** TiKV's {@code coprocessor.region-max-keys} and {@code region-split-keys} defaults. */
    static final long REGION_MAX_KEYS = 1_440_000;
    static final long REGION_SPLIT_KEYS = 960_000;
    /** PD's bound on a target: 4 times region-max-size, at least 500 MiB. */
    static final long MAX_TARGET_SIZE_MIB = Math.max(4 * REGION_MAX_SIZE_MIB, 500);

    static final String NAME = "merge-region";

    private final MergeSettings settings;
    private final int maxReplicas;
    private final RegionTree tree;
    private final long startMillis;
    private final RecentSplits splits = new RecentSplits();

    /** A merge to start: the source's operator and the target's passive one. */
    record Plan(Operator source, Operator target) {
    }

    /** @param startMillis when the PD started; nothing merges within the split-merge interval of it */
    MergeChecker(MergeSettings settings, int maxReplicas, RegionTree tree, long startMillis) {
        this.settings = settings;
        this.maxReplicas = maxReplicas;
        this.tree = tree;
        this.startMillis = startMillis;
    }

    /** Records that {@code regionId} was split now (PD's {@code RecordRegionSplit}). */
    void recordSplit(long regionId, long nowMillis) {
        splits.record(regionId, nowMillis);
    }

    /** Forgets splits older than the split-merge interval. */
    void prune(long nowMillis) {
        splits.prune(nowMillis, settings.splitMergeInterval());
    }

    /**
     * The merge of {@code source} into a neighbour, or null.
     *
     * @param busy whether a region has a running operator
     */
    Plan check(RegionShape source, LongPredicate busy, long nowMillis) {
        if (!settings.enabled() || nowMillis - startMillis < settings.splitMergeInterval().toMillis()
                || splits.isRecent(source.id(), nowMillis, settings.splitMergeInterval())
                || !isHealthy(source) || !isSmall(source)) {
            return null;
        }
        RegionShape next = candidate(source, tree.startingAt(source.region().getEndKey()), busy, nowMillis);
        RegionShape target = next;
        if (!settings.oneWay()) {
            RegionShape prev = candidate(source, tree.endingAt(source.region().getStartKey()), busy, nowMillis);
            if (prev != null && (target == null || prev.approximateSize() < target.approximateSize())) {
                target = prev;
            }
        }
        if (target == null || !fitsAfterMerge(source, target)) {
            return null;
        }
        Metapb.Region from = source.region();
        Metapb.Region to = target.region();
        return new Plan(
                new Operator(NAME, Operator.Kind.MERGE, new Step.Merge(from, to, false), nowMillis, from.getRegionEpoch()),
                new Operator(NAME, Operator.Kind.MERGE, new Step.Merge(from, to, true), nowMillis, to.getRegionEpoch()));
    }

    /** {@code adjacent}'s last report if it may take {@code source} in, else null. */
    private RegionShape candidate(RegionShape source, Pdpb.Region adjacent, LongPredicate busy, long nowMillis) {
        if (adjacent == null || busy.test(adjacent.getRegion().getId())
                || splits.isRecent(adjacent.getRegion().getId(), nowMillis, settings.splitMergeInterval())) {
            return null;
        }
        RegionShape reported = tree.reported(adjacent.getRegion().getId());
        // TiKV merges only regions with peers on the same stores. PD first moves the source's
        // peers onto the target's stores (CreateMergeRegionOperator); that step is not built yet.
        if (reported == null || !isHealthy(reported) || !stores(reported).equals(stores(source))) {
            return null;
        }
        return reported;
    }

    private boolean isHealthy(RegionShape region) {
        if (region.leader().getId() == 0 || !region.pending().isEmpty() || !region.down().isEmpty()
                || region.region().getPeersCount() != maxReplicas) {
            return false;
        }
        for (Metapb.Peer p : region.region().getPeersList()) {
            if (p.getRole() != Metapb.PeerRole.Voter) {
                return false; // a learner, or a joint role
            }
        }
        return true;
    }

    private boolean isSmall(RegionShape region) {
        return region.sizeMib() <= settings.maxRegionSizeMib() && region.approximateKeys() <= settings.maxRegionKeys();
    }

    private boolean fitsAfterMerge(RegionShape source, RegionShape target) {
        if (target.sizeMib() > MAX_TARGET_SIZE_MIB) {
            return false;
        }
        long size = source.sizeMib() + target.sizeMib();
        long keys = source.approximateKeys() + target.approximateKeys();
        return !leavesSmallPiece(size, REGION_MAX_SIZE_MIB, REGION_SPLIT_SIZE_MIB, settings.maxRegionSizeMib())
                && keys >= 0 // both are below 2^63, so a negative sum means more keys than any region holds
                && !leavesSmallPiece(keys, REGION_MAX_KEYS, REGION_SPLIT_KEYS, settings.maxRegionKeys());
    }

    /**
     * Whether a region of {@code amount} would be split by the store (at {@code max} or more) into
     * pieces of {@code splitSize} with a remainder small enough to be merged again.
     */
    private static boolean leavesSmallPiece(long amount, long max, long splitSize, long mergeBound) {
        if (amount < max) {
            return false;
        }
        long rest = amount % splitSize;
        return rest != 0 && rest <= mergeBound;
    }

    private static Set<Long> stores(RegionShape region) {
        Set<Long> stores = new HashSet<>();
        for (Metapb.Peer p : region.region().getPeersList()) {
            stores.add(p.getStoreId());
        }
        return stores;
    }
}
