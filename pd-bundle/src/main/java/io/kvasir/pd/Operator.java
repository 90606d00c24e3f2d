package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import java.time.Duration;

/**
 * A step PD has decided for one region and keeps sending until a heartbeat shows it done: what
 * the {@link OperatorController} remembers between heartbeats. Where PD's operator is a list of
 * steps, this one is a single step; the next one is computed from the region's shape once this
 * one is done, so a PD restart or a lost operator costs nothing but the recomputation.
 *
 * @param name    what the step is for, PD's operator descriptions ("make-up-replica", ...)
 * @param kind    who made it; a {@link Kind#LEADER_BALANCE} operator gives way to a replica one
 * @param step    the step itself, with any new peer id already allocated
 * @param createdMillis when it was made, for {@code schedule.operator-timeout}
 * @param epoch   the region's epoch when it was made; a later conf change the step does not
 *                account for makes it stale (PD's {@code checkStaleOperator})
 */
record Operator(String name, Kind kind, Step step, long createdMillis, Metapb.RegionEpoch epoch) {

    enum Kind {
        /** From the replica checker: restores the region's replicas; never preempted. */
        REPLICA("replica"),
        /** From the leader balancer: optional, rate-limited, preempted by any replica operator. */
        LEADER_BALANCE("leader"),
        /**
         * From the merge checker: one on the source and a passive one on the target, ending
         * together ({@link MergeProgress}); never preempted, since a change to either region
         * makes the store roll the merge back.
         */
        MERGE("merge");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** PD's operator kind text, reported by GetOperator. */
        String wireName() {
            return wireName;
        }
    }

    static Operator replica(String name, Step step, RegionShape region, long nowMillis) {
        return new Operator(name, Kind.REPLICA, step, nowMillis, region.epoch());
    }

    static Operator leaderBalance(Step step, RegionShape region, long nowMillis) {
        return new Operator("balance-leader", Kind.LEADER_BALANCE, step, nowMillis, region.epoch());
    }

    boolean isExpired(long nowMillis, Duration timeout) {
        return nowMillis - createdMillis > timeout.toMillis();
    }

    /**
     * Whether the region's membership changed in a way this operator did not cause: its conf_ver
     * moved on while the step's own change is not visible. (A stale heartbeat never gets here:
     * the region tree drops it first.)
     */
    boolean isStale(RegionShape region) {
        return region.epoch().getConfVer() != epoch.getConfVer() && !step.isApplied(region);
    }

    /** "name: step", as GetOperator reports it. */
    String describe() {
        return name + ": " + step.describe();
    }
}
