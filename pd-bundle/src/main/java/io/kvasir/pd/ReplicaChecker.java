package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;

/**
 * Decides a region's next replica step from its shape alone, PD's replica checker folded into
 * one-step answers. The first rule that applies wins ({@code R} = {@code replication.max-replicas};
 * "healthy" per {@link StoreHealth}; a "ready" learner is on a healthy store and neither pending
 * nor down):
 *
 * <ol>
 *   <li>A peer is IncomingVoter or DemotingVoter: leave joint consensus.</li>
 *   <li>Fewer than R voters on healthy stores and a ready learner: if the region already has R
 *       voters, one of them on an unhealthy store, replace it in one joint change (promote the
 *       learner, demote that voter); otherwise promote the learner alone. The joint change keeps
 *       the old majority in the decision (Raft thesis 4.3); a simple promotion first is right when
 *       voters are missing, because a joint change would need the old, short configuration's
 *       majority, which may be gone.</li>
 *   <li>A learner on an unhealthy store (a voter demoted by rule 2, or a learner whose store
 *       died while catching up): remove it.</li>
 *   <li>Fewer than R voters on healthy stores: wait while a learner is catching up; else add a
 *       learner with a new peer id on the best store ({@link Placement#pickTarget}).</li>
 *   <li>More than R peers: remove the worst ({@link Placement#removalOrder}); if that is the
 *       leader, transfer leadership away first.</li>
 * </ol>
 *
 * A voter on an unhealthy store that is the leader is never demoted or removed (TiKV refuses): a
 * transfer to a working voter comes first. Adding learners rather than voters is PD's way: a
 * learner catches up by snapshot without counting in the quorum, so a slow new replica never
 * stalls writes.
 */
final class ReplicaChecker {
    private final int maxReplicas;
    private final List<String> locationLabels;
    private final LongSupplier newPeerId;

    /**
     * @param newPeerId allocates a cluster-unique peer id; called only for a step that will be
     *                  remembered, so ids are never wasted per heartbeat
     */
    ReplicaChecker(int maxReplicas, List<String> locationLabels, LongSupplier newPeerId) {
        this.maxReplicas = maxReplicas;
        this.locationLabels = List.copyOf(locationLabels);
        this.newPeerId = newPeerId;
    }

    /**
     * The region's next replica operator, or null when its replicas are right or nothing can be
     * done now.
     *
     * @param regionCount   regions per store, for placement
     * @param mayAddLearner false when {@code schedule.replica-schedule-limit} learners are already
     *                      being added
     */
    Operator check(RegionShape region, StoreHealth.Snapshot health, LongToIntFunction regionCount,
            boolean mayAddLearner, long nowMillis) {
        if (region.inJoint()) {
            return Operator.replica("leave-joint-state", new Step.LeaveJoint(), region, nowMillis);
        }
        List<Metapb.Peer> voters = region.voters();
        int healthyVoters = 0;
        for (Metapb.Peer v : voters) {
            if (health.isHealthy(v.getStoreId())) {
                healthyVoters++;
            }
        }
        if (healthyVoters < maxReplicas) {
            Operator promote = promote(region, health, voters, nowMillis);
            if (promote != null) {
                return promote;
            }
        }
        for (Metapb.Peer l : region.learners()) {
            if (!health.isHealthy(l.getStoreId())) {
                return Operator.replica("remove-down-replica", new Step.RemovePeer(l), region, nowMillis);
            }
        }
        if (healthyVoters < maxReplicas) {
            return addLearner(region, health, regionCount, mayAddLearner, voters.size() >= maxReplicas, nowMillis);
        }
        if (region.region().getPeersCount() > maxReplicas) {
            return removeExtra(region, health, regionCount, nowMillis);
        }
        return null;
    }

    /** Rule 2, or null when no learner is ready. */
    private Operator promote(RegionShape region, StoreHealth.Snapshot health, List<Metapb.Peer> voters, long nowMillis) {
        Metapb.Peer ready = null;
        for (Metapb.Peer l : region.learners()) {
            if (health.isHealthy(l.getStoreId()) && !region.isLagging(l)) {
                ready = l;
                break;
            }
        }
        if (ready == null) {
            return null;
        }
        if (voters.size() < maxReplicas) {
            return Operator.replica("make-up-replica", new Step.PromoteLearner(ready), region, nowMillis);
        }
        // R voters but fewer healthy: one is on an unhealthy store, and the learner replaces it.
        for (Metapb.Peer v : voters) {
            if (!health.isHealthy(v.getStoreId()) && !region.isLeader(v)) {
                return Operator.replica("replace-down-replica", new Step.EnterJoint(ready, v), region, nowMillis);
            }
        }
        return leaderOffBadStore(region, health, "replace-down-replica", nowMillis);
    }

    /** Rule 4. {@code replacing}: the region has R voters and the learner will replace one. */
    private Operator addLearner(RegionShape region, StoreHealth.Snapshot health, LongToIntFunction regionCount,
            boolean mayAddLearner, boolean replacing, long nowMillis) {
        for (Metapb.Peer l : region.learners()) {
            if (health.isHealthy(l.getStoreId())) {
                return null; // a learner is catching up; promote it first (rule 2)
            }
        }
        if (!mayAddLearner) {
            return null;
        }
        Metapb.Store target = Placement.pickTarget(region, health, locationLabels, regionCount);
        if (target == null) {
            return null;
        }
        Metapb.Peer peer = Metapb.Peer.newBuilder().setId(newPeerId.getAsLong()).setStoreId(target.getId())
                .setRole(Metapb.PeerRole.Learner).build();
        return Operator.replica(replacing ? "replace-down-replica" : "make-up-replica", new Step.AddLearner(peer),
                region, nowMillis);
    }

    /** Rule 5. */
    private Operator removeExtra(RegionShape region, StoreHealth.Snapshot health, LongToIntFunction regionCount,
            long nowMillis) {
        Metapb.Peer worst = region.region().getPeersList().stream()
                .min(Placement.removalOrder(region, health, locationLabels, regionCount))
                .orElseThrow();
        if (region.isLeader(worst)) {
            return leaderOffBadStore(region, health, "remove-extra-replica", nowMillis);
        }
        return Operator.replica("remove-extra-replica", new Step.RemovePeer(worst), region, nowMillis);
    }

    /** Hands leadership to a working voter on an available store (lowest store id), or null if none. */
    private static Operator leaderOffBadStore(RegionShape region, StoreHealth.Snapshot health, String name,
            long nowMillis) {
        Metapb.Peer best = null;
        for (Metapb.Peer v : region.voters()) {
            if (!region.isLeader(v) && !region.isLagging(v) && health.isAvailable(v.getStoreId())
                    && (best == null || v.getStoreId() < best.getStoreId())) {
                best = v;
            }
        }
        return best == null ? null : Operator.replica(name, new Step.TransferLeader(best), region, nowMillis);
    }
}
