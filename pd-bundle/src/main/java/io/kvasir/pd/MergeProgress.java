package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;

/**
 * Whether a running merge is over, judged from the region tree for both regions at once (the
 * source's and the target's operators end together). What TiKV does to the two epochs
 * ({@code raftstore} merge): PrepareMerge bumps the source's version and conf_ver by one;
 * CommitMerge removes the source and gives the target the union of both ranges and a version above
 * both; RollbackMerge bumps the source's version once more and leaves the target alone.
 *
 * <ul>
 *   <li><b>finished</b>: the source is gone from the tree (only a region covering it, with a newer
 *       version, removes it) or the target's range now covers the source's.</li>
 *   <li><b>rolled back</b>: the source's version is beyond the +1 of PrepareMerge.</li>
 *   <li><b>source reconfigured</b>: its conf_ver is beyond the +1 of PrepareMerge, so its
 *       membership changed under the merge.</li>
 *   <li><b>target changed</b>: its epoch moved but its range does not cover the source (a split
 *       or conf change of the target, after which the store rolls the merge back).</li>
 * </ul>
 *
 * The existing conf_ver staleness rule of {@link Operator#isStale} must not be applied to a merge:
 * the +1 of PrepareMerge would end every merge as soon as the store began it.
 */
final class MergeProgress {
    static final String FINISHED = "finished";

    private MergeProgress() {
    }

    /** Why {@code merge} is over, {@link #FINISHED} if it succeeded, or null while it goes on. */
    static String endReason(Step.Merge merge, RegionTree tree) {
        Metapb.Region plannedSource = merge.source();
        Metapb.Region plannedTarget = merge.target();
        Pdpb.Region source = tree.byId(plannedSource.getId());
        Pdpb.Region target = tree.byId(plannedTarget.getId());
        if (source == null || target != null && RegionTree.covers(target.getRegion(), plannedSource)) {
            return FINISHED;
        }
        Metapb.RegionEpoch planned = plannedSource.getRegionEpoch();
        Metapb.RegionEpoch now = source.getRegion().getRegionEpoch();
        if (now.getVersion() > planned.getVersion() + 1) {
            return "rolled back: source version moved from " + planned.getVersion() + " to " + now.getVersion();
        }
        if (now.getConfVer() > planned.getConfVer() + 1) {
            return "source reconfigured: conf_ver moved from " + planned.getConfVer() + " to " + now.getConfVer();
        }
        if (target == null) {
            return "target region " + plannedTarget.getId() + " is gone";
        }
        if (!target.getRegion().getRegionEpoch().equals(plannedTarget.getRegionEpoch())) {
            return "target changed: epoch moved from " + describe(plannedTarget.getRegionEpoch()) + " to "
                    + describe(target.getRegion().getRegionEpoch());
        }
        return null;
    }

    private static String describe(Metapb.RegionEpoch epoch) {
        return "version " + epoch.getVersion() + " conf_ver " + epoch.getConfVer();
    }
}
