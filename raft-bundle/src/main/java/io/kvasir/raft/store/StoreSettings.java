package io.kvasir.raft.store;

import static io.kvasir.raft.store.ConfigValues.countUpTo;
import static io.kvasir.raft.store.ConfigValues.positiveBytes;
import static io.kvasir.raft.store.ConfigValues.positiveCount;
import static io.kvasir.raft.store.ConfigValues.positiveDuration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kvasir.engine.api.SplitPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A store's keys from the node's config, checked once at start. Documented in this bundle's reference.conf. */
public record StoreSettings(
        List<String> pdEndpoints,
        String advertiseAddr,
        String advertiseStatusAddr,
        Map<String, String> labels,
        Duration regionHeartbeatInterval,
        Duration storeHeartbeatInterval,
        long raftEntryMaxSize,
        Duration raftBaseTickInterval,
        long raftLogGcCountLimit,
        int maxInflightWrites,
        SplitPolicy splitPolicy,
        Duration splitCheckInterval,
        long mergeMaxLogGap,
        Duration mergeCheckTickInterval,
        int storePoolSize,
        int applyPoolSize,
        int storeMaxBatchSize,
        int applyMaxBatchSize) {

    /** The version a store reports to PD and clients: tikv-client-java picks its protocol by it. */
    public static final String COMPATIBLE_TIKV_VERSION = "7.1.0";

    public static StoreSettings from(Config config) {
        String addr = config.getString("server.addr");
        List<String> endpoints = config.getStringList("pd.endpoints");
        return new StoreSettings(
                endpoints.isEmpty() ? List.of(addr) : List.copyOf(endpoints),
                config.getIsNull("server.advertise-addr") ? addr : nonBlank(config, "server.advertise-addr"),
                config.getIsNull("server.advertise-status-addr") ? config.getString("server.status-addr")
                        : nonBlank(config, "server.advertise-status-addr"),
                labels(config),
                positiveDuration(config, "raftstore.pd-heartbeat-tick-interval"),
                positiveDuration(config, "raftstore.pd-store-heartbeat-tick-interval"),
                positiveBytes(config, "raftstore.raft-entry-max-size"),
                positiveDuration(config, "raftstore.raft-base-tick-interval"),
                positiveCount(config, "raftstore.raft-log-gc-count-limit"),
                countUpTo(config, "raftstore.max-inflight-writes", Integer.MAX_VALUE),
                splitPolicy(config),
                positiveDuration(config, "raftstore.split-region-check-tick-interval"),
                positiveCount(config, "raftstore.merge-max-log-gap"),
                positiveDuration(config, "raftstore.merge-check-tick-interval"),
                countUpTo(config, "raftstore.store-pool-size", 1024),
                countUpTo(config, "raftstore.apply-pool-size", 1024),
                countUpTo(config, "raftstore.store-max-batch-size", 1024),
                countUpTo(config, "raftstore.apply-max-batch-size", 1024));
    }

    private static SplitPolicy splitPolicy(Config config) {
        try {
            return new SplitPolicy(positiveBytes(config, "coprocessor.region-max-size"),
                    positiveBytes(config, "coprocessor.region-split-size"),
                    positiveCount(config, "coprocessor.region-max-keys"),
                    positiveCount(config, "coprocessor.region-split-keys"));
        } catch (io.kvasir.engine.api.EngineException e) {
            throw new ConfigException.BadValue(config.origin(), "coprocessor",
                    "region-split-size/keys must not exceed region-max-size/keys: " + e.getMessage());
        }
    }

    private static Map<String, String> labels(Config config) {
        Map<String, String> labels = new TreeMap<>();
        config.getConfig("server.labels").entrySet().forEach(e ->
                labels.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
        return Map.copyOf(labels);
    }

    private static String nonBlank(Config config, String key) {
        String v = config.getString(key);
        if (v.isBlank()) {
            throw new ConfigException.BadValue(config.origin(), key, "must not be empty");
        }
        return v;
    }
}
