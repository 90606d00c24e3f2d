package io.kvasir.pd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The scheduling knobs of the PD, read from the node configuration (documented in this bundle's
 * reference.conf). A bad value is a {@link com.typesafe.config.ConfigException.BadValue} naming
 * its key, as in {@link PdSettings}.
 *
 * @param operatorTimeout             {@code schedule.operator-timeout}: an operator still running after
 *                                    this long is dropped and the region's next step computed again
 * @param storeDisconnectTime         {@code schedule.store-disconnect-time}: a store silent this long
 *                                    gets no new peers and no leaders (PD's {@code storeDisconnectDuration})
 * @param replicaScheduleLimit        {@code schedule.replica-schedule-limit}: most learners being
 *                                    added at once, cluster-wide (each one costs a snapshot)
 * @param leaderBalance               {@code schedule.enable-leader-balance}
 * @param leaderBalanceTolerance      {@code schedule.leader-balance-tolerance}: a leader moves only
 *                                    when its store leads more than this many regions above the target
 * @param regionLeaderTransferInterval {@code schedule.region-leader-transfer-interval}: least time
 *                                    between two balancing transfers of one region
 * @param leaderTransferRateLimit     {@code schedule.leader-transfer-rate-limit}: most balancing
 *                                    transfers started per second, cluster-wide
 * @param locationLabels              {@code replication.location-labels}: label keys, outermost first
 * @param merge                       the region merge knobs ({@code schedule.*merge*})
 */
record ScheduleSettings(Duration operatorTimeout, Duration storeDisconnectTime, int replicaScheduleLimit,
        boolean leaderBalance, int leaderBalanceTolerance, Duration regionLeaderTransferInterval,
        int leaderTransferRateLimit, List<String> locationLabels, MergeSettings merge) {

    static final String OPERATOR_TIMEOUT = "schedule.operator-timeout";
    static final String STORE_DISCONNECT_TIME = "schedule.store-disconnect-time";
    static final String REPLICA_SCHEDULE_LIMIT = "schedule.replica-schedule-limit";
    static final String ENABLE_LEADER_BALANCE = "schedule.enable-leader-balance";
    static final String LEADER_BALANCE_TOLERANCE = "schedule.leader-balance-tolerance";
    static final String REGION_LEADER_TRANSFER_INTERVAL = "schedule.region-leader-transfer-interval";
    static final String LEADER_TRANSFER_RATE_LIMIT = "schedule.leader-transfer-rate-limit";
    static final String LOCATION_LABELS = "replication.location-labels";

    /** The defaults of reference.conf, for tests. */
    static final ScheduleSettings DEFAULTS = new ScheduleSettings(Duration.ofMinutes(10), Duration.ofSeconds(20), 64,
            true, 1, Duration.ofMinutes(1), 4, List.of(), MergeSettings.DEFAULTS);

    ScheduleSettings {
        locationLabels = List.copyOf(locationLabels);
        if (operatorTimeout.toMillis() < 1 || storeDisconnectTime.toMillis() < 1 || replicaScheduleLimit < 0
                || leaderBalanceTolerance < 0 || regionLeaderTransferInterval.isNegative() || leaderTransferRateLimit < 1
                || merge == null) {
            throw new IllegalArgumentException("invalid schedule settings: " + operatorTimeout + " " + storeDisconnectTime
                    + " " + replicaScheduleLimit + " " + leaderBalanceTolerance + " " + regionLeaderTransferInterval + " "
                    + leaderTransferRateLimit + " " + merge);
        }
    }

    ScheduleSettings withOperatorTimeout(Duration timeout) {
        return new ScheduleSettings(timeout, storeDisconnectTime, replicaScheduleLimit, leaderBalance,
                leaderBalanceTolerance, regionLeaderTransferInterval, leaderTransferRateLimit, locationLabels, merge);
    }

    ScheduleSettings withReplicaScheduleLimit(int limit) {
        return new ScheduleSettings(operatorTimeout, storeDisconnectTime, limit, leaderBalance,
                leaderBalanceTolerance, regionLeaderTransferInterval, leaderTransferRateLimit, locationLabels, merge);
    }

    ScheduleSettings withLeaderBalance(boolean enabled, Duration regionInterval, int ratePerSecond) {
        return new ScheduleSettings(operatorTimeout, storeDisconnectTime, replicaScheduleLimit, enabled,
                leaderBalanceTolerance, regionInterval, ratePerSecond, locationLabels, merge);
    }

    ScheduleSettings withLocationLabels(List<String> labels) {
        return new ScheduleSettings(operatorTimeout, storeDisconnectTime, replicaScheduleLimit, leaderBalance,
                leaderBalanceTolerance, regionLeaderTransferInterval, leaderTransferRateLimit, labels, merge);
    }

    ScheduleSettings withMerge(MergeSettings newMerge) {
        return new ScheduleSettings(operatorTimeout, storeDisconnectTime, replicaScheduleLimit, leaderBalance,
                leaderBalanceTolerance, regionLeaderTransferInterval, leaderTransferRateLimit, locationLabels, newMerge);
    }

    /** Reads the knobs from {@code config}, which must already hold this bundle's defaults. */
    static ScheduleSettings from(Config config) {
        Duration timeout = duration(config, OPERATOR_TIMEOUT, Duration.ofSeconds(1));
        Duration disconnect = duration(config, STORE_DISCONNECT_TIME, Duration.ofSeconds(1));
        int replicaLimit = PdSettings.read(config, REPLICA_SCHEDULE_LIMIT, () -> config.getInt(REPLICA_SCHEDULE_LIMIT));
        if (replicaLimit < 0) {
            throw PdSettings.bad(config, REPLICA_SCHEDULE_LIMIT, "must not be negative, got " + replicaLimit);
        }
        boolean balance = PdSettings.read(config, ENABLE_LEADER_BALANCE, () -> config.getBoolean(ENABLE_LEADER_BALANCE));
        int tolerance = PdSettings.read(config, LEADER_BALANCE_TOLERANCE, () -> config.getInt(LEADER_BALANCE_TOLERANCE));
        if (tolerance < 0) {
            throw PdSettings.bad(config, LEADER_BALANCE_TOLERANCE, "must not be negative, got " + tolerance);
        }
        Duration interval = duration(config, REGION_LEADER_TRANSFER_INTERVAL, Duration.ZERO);
        int rate = PdSettings.read(config, LEADER_TRANSFER_RATE_LIMIT, () -> config.getInt(LEADER_TRANSFER_RATE_LIMIT));
        if (rate < 1) {
            throw PdSettings.bad(config, LEADER_TRANSFER_RATE_LIMIT,
                    "must be at least 1 (turn balancing off with " + ENABLE_LEADER_BALANCE + " = false), got " + rate);
        }
        return new ScheduleSettings(timeout, disconnect, replicaLimit, balance, tolerance, interval, rate,
                locationLabels(config), MergeSettings.from(config));
    }

    private static Duration duration(Config config, String key, Duration min) {
        Duration d = PdSettings.read(config, key, () -> config.getDuration(key));
        if (d.compareTo(min) < 0) {
            throw PdSettings.bad(config, key, "must be at least " + min + ", got " + d);
        }
        return d;
    }

    /** A list, or one comma-separated string (what a -D override gives); keys must be distinct and non-empty. */
    private static List<String> locationLabels(Config config) {
        List<String> raw = new ArrayList<>();
        ConfigValueType type = PdSettings.read(config, LOCATION_LABELS, () -> config.getValue(LOCATION_LABELS).valueType());
        if (type == ConfigValueType.LIST) {
            raw.addAll(PdSettings.read(config, LOCATION_LABELS, () -> config.getStringList(LOCATION_LABELS)));
        } else {
            String joined = PdSettings.read(config, LOCATION_LABELS, () -> config.getString(LOCATION_LABELS)).trim();
            if (!joined.isEmpty()) {
                raw.addAll(List.of(joined.split(",")));
            }
        }
        List<String> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String label : raw) {
            String key = label.trim();
            if (key.isEmpty() || !seen.add(key)) {
                throw PdSettings.bad(config, LOCATION_LABELS, "label keys must be non-empty and distinct, got " + raw);
            }
            labels.add(key);
        }
        return labels;
    }
}
