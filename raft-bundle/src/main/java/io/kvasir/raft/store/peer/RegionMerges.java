package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import java.util.HashSet;
import java.util.Set;

/**
 * What a merge does to region metadata (TiKV {@code apply.rs}: {@code exec_prepare_merge},
 * {@code exec_commit_merge}, {@code exec_rollback_merge}). A source region merges into a target
 * next to it whose peers sit on the same stores, so that every store holding the target also holds
 * the source's data:
 * <ul>
 *   <li>PrepareMerge freezes the source: {@code version} and {@code conf_ver} both grow, so every
 *       command proposed before it fails its epoch check at apply and no membership change can
 *       slip in behind it;</li>
 *   <li>CommitMerge, in the target's log, gives the target the union of both ranges and a
 *       {@code version} above both regions', so clients holding either shape are redirected;</li>
 *   <li>RollbackMerge thaws the source with one more {@code version}.</li>
 * </ul>
 * Pure: every replica computes the same regions from the same entries.
 */
final class RegionMerges {

    private RegionMerges() {
    }

    /**
     * Checks that {@code source} may merge into {@code target}.
     *
     * @throws PeerException.InvalidCommand naming what does not fit
     */
    static void check(Metapb.Region source, Metapb.Region target) {
        if (target.getId() == 0 || target.getId() == source.getId()) {
            throw invalid(source, "region " + target.getId() + " is no merge target for it");
        }
        if (!adjacent(source, target)) {
            throw invalid(source, "region " + target.getId() + " " + range(target) + " is not next to "
                    + range(source));
        }
        if (RegionMembership.isJoint(source) || RegionMembership.isJoint(target)) {
            throw invalid(source, "a joint configuration is in force on region "
                    + (RegionMembership.isJoint(source) ? source.getId() : target.getId()));
        }
        if (!stores(source).equals(stores(target)) || source.getPeersCount() != target.getPeersCount()) {
            throw invalid(source, "its peers are on stores " + stores(source) + ", region " + target.getId()
                    + "'s on " + stores(target));
        }
    }

    /** The source once PrepareMerge applied: frozen under a new version and conf_ver. */
    static Metapb.Region prepared(Metapb.Region source) {
        Metapb.RegionEpoch e = source.getRegionEpoch();
        return source.toBuilder().setRegionEpoch(e.toBuilder().setVersion(e.getVersion() + 1)
                .setConfVer(e.getConfVer() + 1)).build();
    }

    /** The source once RollbackMerge applied: serving again, under a new version. */
    static Metapb.Region rolledBack(Metapb.Region source) {
        Metapb.RegionEpoch e = source.getRegionEpoch();
        return source.toBuilder().setRegionEpoch(e.toBuilder().setVersion(e.getVersion() + 1)).build();
    }

    /**
     * The target once it took in {@code source}: both ranges, the target's members and conf_ver,
     * and a version above both.
     *
     * @throws PeerException.InvalidCommand if they do not fit (see {@link #check})
     */
    static Metapb.Region merged(Metapb.Region target, Metapb.Region source) {
        check(source, target);
        boolean sourceFirst = !source.getEndKey().isEmpty() && source.getEndKey().equals(target.getStartKey());
        long version = Math.max(source.getRegionEpoch().getVersion(), target.getRegionEpoch().getVersion()) + 1;
        Metapb.Region.Builder b = target.toBuilder()
                .setRegionEpoch(target.getRegionEpoch().toBuilder().setVersion(version));
        if (sourceFirst) {
            b.setStartKey(source.getStartKey());
        } else {
            b.setEndKey(source.getEndKey());
        }
        return b.build();
    }

    /** Whether the two ranges touch: one ends (with a finite key) where the other starts. */
    static boolean adjacent(Metapb.Region a, Metapb.Region b) {
        return touches(a.getEndKey(), b.getStartKey()) || touches(b.getEndKey(), a.getStartKey());
    }

    private static boolean touches(ByteString end, ByteString start) {
        return !end.isEmpty() && end.equals(start);
    }

    private static Set<Long> stores(Metapb.Region r) {
        Set<Long> out = new HashSet<>();
        for (Metapb.Peer p : r.getPeersList()) {
            out.add(p.getStoreId());
        }
        return out;
    }

    private static String range(Metapb.Region r) {
        return "[" + r.getStartKey().toStringUtf8() + ", " + r.getEndKey().toStringUtf8() + ")";
    }

    private static PeerException.InvalidCommand invalid(Metapb.Region source, String why) {
        return new PeerException.InvalidCommand(source.getId(), "cannot merge: " + why);
    }
}
