package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongToIntFunction;

/**
 * Spreads leaders over stores, one region at a time as its heartbeat arrives: the leader moves to
 * the region's voter whose store leads the fewest regions, when the leader's store leads more
 * than {@code schedule.leader-balance-tolerance} regions above it. A move narrows the gap by two,
 * so with a tolerance of at least one the next heartbeat never moves it back (PD's
 * balance-leader scheduler reaches the same end by scanning stores instead of regions).
 *
 * <p>The target must be a Voter (not in a joint role), neither pending nor down, on an available
 * store. Transfers are rate-limited so that leadership does not churn while counts catch up with
 * heartbeats: one region moves at most once per {@code schedule.region-leader-transfer-interval},
 * and at most {@code schedule.leader-transfer-rate-limit} moves start per second cluster-wide.
 *
 * <p>Not thread-safe: the {@link OperatorController} calls it under its lock.
 */
final class LeaderBalancer {
    private static final long WINDOW_MILLIS = 1000;
    /** Past this many remembered regions, entries older than the interval are dropped. */
    private static final int PRUNE_AT = 4096;

    private final ScheduleSettings settings;
    private final Map<Long, Long> lastTransferMillis = new HashMap<>();
    // Invariant: start times within the last WINDOW_MILLIS, oldest first, at most the rate limit.
    private final Deque<Long> recentStarts = new ArrayDeque<>();

    LeaderBalancer(ScheduleSettings settings) {
        this.settings = settings;
    }

    /**
     * A balancing leader transfer for {@code region}, or null.
     *
     * @param leaderCount regions led per store, counting transfers already under way
     */
    Operator check(RegionShape region, StoreHealth.Snapshot health, LongToIntFunction leaderCount, long nowMillis) {
        if (!settings.leaderBalance() || region.inJoint() || region.leader().getId() == 0) {
            return null;
        }
        Long last = lastTransferMillis.get(region.id());
        if (last != null && nowMillis - last < settings.regionLeaderTransferInterval().toMillis()) {
            return null;
        }
        Metapb.Peer target = null;
        int targetCount = 0;
        for (Metapb.Peer v : region.voters()) {
            if (region.isLeader(v) || region.isLagging(v) || !health.isAvailable(v.getStoreId())) {
                continue;
            }
            int count = leaderCount.applyAsInt(v.getStoreId());
            if (target == null || count < targetCount || count == targetCount && v.getStoreId() < target.getStoreId()) {
                target = v;
                targetCount = count;
            }
        }
        if (target == null
                || leaderCount.applyAsInt(region.leader().getStoreId()) - targetCount <= settings.leaderBalanceTolerance()) {
            return null;
        }
        while (!recentStarts.isEmpty() && nowMillis - recentStarts.peekFirst() >= WINDOW_MILLIS) {
            recentStarts.removeFirst();
        }
        if (recentStarts.size() >= settings.leaderTransferRateLimit()) {
            return null;
        }
        recentStarts.addLast(nowMillis);
        remember(region.id(), nowMillis);
        return Operator.leaderBalance(new Step.TransferLeader(target), region, nowMillis);
    }

    private void remember(long regionId, long nowMillis) {
        if (lastTransferMillis.size() >= PRUNE_AT) {
            long interval = settings.regionLeaderTransferInterval().toMillis();
            lastTransferMillis.values().removeIf(t -> nowMillis - t >= interval);
        }
        lastTransferMillis.put(regionId, nowMillis);
    }
}
