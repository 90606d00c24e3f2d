package io.kvasir.pd;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each region heartbeat with the region's next step, if any, and remembers the step
 * between heartbeats (PD's operator controller, one step per operator).
 *
 * <p>Per heartbeat: if the region has a running operator, it ends when the heartbeat shows its
 * step done, when it is older than {@code schedule.operator-timeout}, when the step became
 * impossible ({@link Step#isObsolete}), or when the region's membership changed under it
 * ({@link Operator#isStale}). A running operator that has not ended is answered again, the very
 * same step (so an added learner keeps its peer id), unless the step is already applied and only
 * waits (a learner catching up), which is answered with silence. Otherwise the replica checker,
 * then the merge checker, then the leader balancer, plan a new operator. A running leader-balance
 * operator gives way to any replica operator.
 *
 * <p>A merge runs as two operators, the source's (which sends {@code merge}) and the target's
 * (passive, silent), that start and end together; {@link MergeProgress} judges them from the
 * region tree, on a heartbeat of either region or on the sweep. Nothing preempts them, and at most
 * {@code schedule.merge-schedule-limit} merges run at once.
 *
 * <p>While operators run, their effect is counted ahead of the heartbeats that will show it
 * (PD's operator influence): a learner being added counts as a region on its store, a leader
 * transfer moves one leader between the stores, so that concurrent decisions do not all pick the
 * same store.
 *
 * <p>Decisions are serialized under this object's lock: heartbeats of one region arrive on one
 * stream but different regions' on several, and two decisions must not both start an operator
 * or read half-updated influence. A decision is a few map lookups per peer; the rare id
 * allocation inside it writes to the engine once per {@link IdAllocator#STEP} ids. The locks taken
 * inside (region tree, store registry, id allocator) never call back here.
 */
final class OperatorController {
    private static final Logger LOG = LoggerFactory.getLogger(OperatorController.class);
    /** How often, at most, operators of regions that stopped heartbeating are swept out. */
    private static final long SWEEP_MILLIS = 1000;
    /** The end reason of an operator that did its job; a finished merge reports the same word. */
    private static final String FINISHED = MergeProgress.FINISHED;

    private final ScheduleSettings settings;
    private final Clock clock;
    private final StoreHealth health;
    private final RegionTree tree;
    private final ReplicaChecker replicas;
    private final LeaderBalancer leaders;
    private final MergeChecker merges;
    private final Map<Long, Running> running = new HashMap<>();
    // Invariants: leaderDelta and learnersAdding sum the influence of exactly the operators in
    // running; learnerCount is the number of running AddLearner operators, mergeCount the number
    // of running active Merge operators; a running Merge operator's twin is running too.
    private final Map<Long, Integer> leaderDelta = new HashMap<>();
    private final Map<Long, Integer> learnersAdding = new HashMap<>();
    private int learnerCount;
    private int mergeCount;
    private long lastSweepMillis;

    /** A running operator and the store that led the region when it started (for the influence). */
    private record Running(Operator op, long leaderStore) {
    }

    /**
     * @param newPeerId allocates cluster-unique peer ids ({@link IdAllocator#alloc})
     */
    OperatorController(PdSettings settings, Clock clock, StoreRegistry stores, RegionTree tree, LongSupplier newPeerId) {
        this.settings = settings.schedule();
        this.clock = clock;
        this.health = new StoreHealth(stores, clock, settings.maxStoreDownTime(), this.settings.storeDisconnectTime());
        this.tree = tree;
        this.replicas = new ReplicaChecker(settings.maxReplicas(), this.settings.locationLabels(), newPeerId);
        this.leaders = new LeaderBalancer(this.settings);
        this.merges = new MergeChecker(this.settings.merge(), settings.maxReplicas(), tree, clock.millis());
    }

    /**
     * The step to answer a leader's heartbeat with, or null for no answer. Call only with a
     * heartbeat the region tree accepted (not stale), after applying it.
     */
    synchronized Step dispatch(RegionShape region) {
        long now = clock.millis();
        sweep(now);
        StoreHealth.Snapshot stores = health.snapshot();
        Running current = running.get(region.id());
        if (current != null) {
            Operator op = current.op();
            String end = endReason(op, region, now);
            if (end == null) {
                if (op.kind() == Operator.Kind.LEADER_BALANCE) {
                    Operator urgent = planReplica(region, stores, now);
                    if (urgent != null) {
                        stop(region.id(), "replaced by " + urgent.name());
                        return start(region, urgent);
                    }
                }
                return op.step().isApplied(region) ? null : op.step();
            }
            stop(region.id(), end);
        }
        Operator next = planReplica(region, stores, now);
        if (next == null) {
            MergeChecker.Plan merge = planMerge(region, now);
            if (merge != null) {
                Step.Merge passive = (Step.Merge) merge.target().step();
                // The leader store only matters to a leader transfer's influence; a merge has none.
                begin(passive.target().getId(), 0, merge.target());
                return start(region, merge.source());
            }
            next = leaders.check(region, stores, this::leaderCount, now);
        }
        return next == null ? null : start(region, next);
    }

    /**
     * Records that these regions were just split (PD's {@code RecordRegionSplit}): none of them
     * is merged within {@code schedule.split-merge-interval}.
     */
    synchronized void recordSplit(Collection<Long> regionIds) {
        long now = clock.millis();
        for (long id : regionIds) {
            merges.recordSplit(id, now);
        }
    }

    /** The operator running for {@code regionId} (not timed out), or null; for GetOperator. */
    synchronized Operator running(long regionId) {
        Running r = running.get(regionId);
        return r == null || r.op().isExpired(clock.millis(), settings.operatorTimeout()) ? null : r.op();
    }

    private Operator planReplica(RegionShape region, StoreHealth.Snapshot stores, long now) {
        return replicas.check(region, stores, this::regionCount, learnerCount < settings.replicaScheduleLimit(), now);
    }

    private MergeChecker.Plan planMerge(RegionShape region, long now) {
        if (mergeCount >= settings.merge().scheduleLimit()) {
            return null;
        }
        return merges.check(region, running::containsKey, now);
    }

    /** Why {@code op} ends with this heartbeat, or null if it goes on. */
    private String endReason(Operator op, RegionShape region, long now) {
        if (op.step() instanceof Step.Merge merge) {
            return mergeEndReason(op, merge, now);
        }
        if (op.step().isDone(region)) {
            return FINISHED;
        }
        if (op.isExpired(now, settings.operatorTimeout())) {
            return "timed out after " + settings.operatorTimeout();
        }
        if (op.step().isObsolete(region)) {
            return "obsolete: the region no longer allows it";
        }
        if (op.isStale(region)) {
            return "stale: conf_ver moved from " + op.epoch().getConfVer() + " to " + region.epoch().getConfVer();
        }
        return null;
    }

    /** A merge ends on its own terms ({@link MergeProgress}), else on the operator timeout. */
    private String mergeEndReason(Operator op, Step.Merge merge, long now) {
        String end = MergeProgress.endReason(merge, tree);
        if (end == null && op.isExpired(now, settings.operatorTimeout())) {
            end = "timed out after " + settings.operatorTimeout();
        }
        return end;
    }

    private Step start(RegionShape region, Operator op) {
        begin(region.id(), region.leader().getStoreId(), op);
        // A freshly planned step is never applied yet; the check keeps the "silence once applied" rule in one place.
        return op.step().isApplied(region) ? null : op.step();
    }

    private void begin(long regionId, long leaderStore, Operator op) {
        Running r = new Running(op, leaderStore);
        running.put(regionId, r);
        influence(r, 1);
        LOG.info("region {} operator started: {}", regionId, op.describe());
    }

    /** Ends the operator of {@code regionId} and, for a merge, its twin on the other region. */
    private void stop(long regionId, String reason) {
        Running r = remove(regionId, reason);
        if (r.op().step() instanceof Step.Merge merge) {
            long other = merge.passive() ? merge.source().getId() : merge.target().getId();
            Running twin = running.get(other);
            if (twin != null && twin.op().step() instanceof Step.Merge m
                    && m.source().equals(merge.source()) && m.target().equals(merge.target())) {
                remove(other, reason);
            }
        }
    }

    private Running remove(long regionId, String reason) {
        Running r = running.remove(regionId);
        influence(r, -1);
        if (reason.equals(FINISHED)) {
            LOG.debug("region {} operator finished: {}", regionId, r.op().describe());
        } else {
            LOG.info("region {} operator {} ended, {}", regionId, r.op().describe(), reason);
        }
        return r;
    }

    private void influence(Running r, int sign) {
        if (r.op().step() instanceof Step.Merge merge) {
            if (!merge.passive()) {
                mergeCount += sign;
            }
        } else if (r.op().step() instanceof Step.AddLearner add) {
            learnerCount += sign;
            add(learnersAdding, add.peer().getStoreId(), sign);
        } else if (r.op().step() instanceof Step.TransferLeader transfer) {
            add(leaderDelta, r.leaderStore(), -sign);
            add(leaderDelta, transfer.peer().getStoreId(), sign);
        }
    }

    private static void add(Map<Long, Integer> counts, long storeId, int delta) {
        counts.merge(storeId, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    private int regionCount(long storeId) {
        return tree.regionCount(storeId) + learnersAdding.getOrDefault(storeId, 0);
    }

    private int leaderCount(long storeId) {
        return tree.leaderCount(storeId) + leaderDelta.getOrDefault(storeId, 0);
    }

    /**
     * Drops timed-out operators of regions that stopped heartbeating (merged away, leaderless),
     * and ends merges that are over, which a merged-away source never reports itself.
     */
    private void sweep(long now) {
        if (Math.abs(now - lastSweepMillis) < SWEEP_MILLIS) {
            return;
        }
        lastSweepMillis = now;
        merges.prune(now);
        Map<Long, String> ending = new LinkedHashMap<>();
        for (Map.Entry<Long, Running> e : running.entrySet()) {
            Operator op = e.getValue().op();
            String reason;
            if (op.step() instanceof Step.Merge merge) {
                reason = mergeEndReason(op, merge, now);
            } else if (tree.byId(e.getKey()) == null) {
                reason = "dropped: the region is gone";
            } else {
                reason = op.isExpired(now, settings.operatorTimeout())
                        ? "dropped: timed out after " + settings.operatorTimeout() : null;
            }
            if (reason != null) {
                ending.put(e.getKey(), reason);
            }
        }
        for (Map.Entry<Long, String> e : ending.entrySet()) {
            if (running.containsKey(e.getKey())) { // not already ended as a merge's twin
                stop(e.getKey(), e.getValue());
            }
        }
    }
}
