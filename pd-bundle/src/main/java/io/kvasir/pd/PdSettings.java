package io.kvasir.pd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The PD's settings, read from the node configuration (the keys and their defaults are documented
 * in this bundle's reference.conf). A bad value is reported as a {@link ConfigException.BadValue}
 * naming its key, which the kernel prints as one line.
 *
 * @param name               {@code pd.name}: the member name
 * @param clientUrls         {@code pd.advertise-client-urls}: URLs clients dial, never empty
 * @param tsoSaveInterval    {@code pd.tso-save-interval}: how far ahead the TSO persists its limit
 * @param maxStoreDownTime   {@code pd.max-store-down-time}: a store silent this long is down and its
 *                           replicas are replaced (see {@link StoreHealth})
 * @param maxReplicas        {@code replication.max-replicas}
 * @param schedule           the scheduling knobs ({@code schedule.*}, {@code replication.location-labels})
 * @param gc                 how PD moves the GC safe point ({@code pd.gc.*})
 */
record PdSettings(String name, List<String> clientUrls, Duration tsoSaveInterval, Duration maxStoreDownTime,
        int maxReplicas, ScheduleSettings schedule, GcSettings gc) {

    static final String NAME = "pd.name";
    static final String ADVERTISE_CLIENT_URLS = "pd.advertise-client-urls";
    static final String TSO_SAVE_INTERVAL = "pd.tso-save-interval";
    static final String MAX_STORE_DOWN_TIME = "pd.max-store-down-time";
    static final String MAX_REPLICAS = "replication.max-replicas";
    static final String SERVER_ADDR = "server.addr";

    PdSettings {
        clientUrls = List.copyOf(clientUrls);
        if (name.isEmpty() || clientUrls.isEmpty() || tsoSaveInterval.toMillis() < 1 || maxReplicas < 1
                || maxStoreDownTime.toMillis() < 1 || schedule == null || gc == null) {
            throw new IllegalArgumentException("invalid PD settings: " + name + " " + clientUrls + " " + tsoSaveInterval
                    + " " + maxStoreDownTime + " " + maxReplicas + " " + schedule);
        }
    }

    /**
     * Settings for tests: one member advertising {@code clientUrl}, PD's defaults otherwise, except
     * that the GC safe point moves only when a test moves it.
     */
    static PdSettings of(String clientUrl) {
        return new PdSettings("pd-1", List.of(clientUrl), Duration.ofSeconds(3), Duration.ofMinutes(30), 3,
                ScheduleSettings.DEFAULTS, GcSettings.MANUAL);
    }

    /** This settings with another TSO save interval. */
    PdSettings withTsoSaveInterval(Duration interval) {
        return new PdSettings(name, clientUrls, interval, maxStoreDownTime, maxReplicas, schedule, gc);
    }

    /** This settings with another store down time. */
    PdSettings withMaxStoreDownTime(Duration downTime) {
        return new PdSettings(name, clientUrls, tsoSaveInterval, downTime, maxReplicas, schedule, gc);
    }

    /** This settings with other scheduling knobs. */
    PdSettings withSchedule(ScheduleSettings newSchedule) {
        return new PdSettings(name, clientUrls, tsoSaveInterval, maxStoreDownTime, maxReplicas, newSchedule, gc);
    }

    /** This settings with another way of moving the GC safe point. */
    PdSettings withGc(GcSettings newGc) {
        return new PdSettings(name, clientUrls, tsoSaveInterval, maxStoreDownTime, maxReplicas, schedule, newGc);
    }

    /** Reads the settings from {@code config}, which must already hold this bundle's defaults. */
    static PdSettings from(Config config) {
        String name = read(config, NAME, () -> config.getString(NAME).trim());
        if (name.isEmpty()) {
            throw bad(config, NAME, "must not be empty");
        }
        Duration saveInterval = read(config, TSO_SAVE_INTERVAL, () -> config.getDuration(TSO_SAVE_INTERVAL));
        if (saveInterval.toMillis() < 1 || saveInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw bad(config, TSO_SAVE_INTERVAL, "must be between 1ms and 1d, got " + saveInterval);
        }
        Duration downTime = read(config, MAX_STORE_DOWN_TIME, () -> config.getDuration(MAX_STORE_DOWN_TIME));
        if (downTime.isNegative() || downTime.isZero()) {
            throw bad(config, MAX_STORE_DOWN_TIME, "must be positive, got " + downTime);
        }
        int replicas = read(config, MAX_REPLICAS, () -> config.getInt(MAX_REPLICAS));
        if (replicas < 1 || replicas > 9) {
            throw bad(config, MAX_REPLICAS, "must be between 1 and 9, got " + replicas);
        }
        return new PdSettings(name, clientUrls(config), saveInterval, downTime, replicas, ScheduleSettings.from(config),
                GcSettings.from(config));
    }

    private static List<String> clientUrls(Config config) {
        List<String> urls = new ArrayList<>();
        boolean configured = config.hasPath(ADVERTISE_CLIENT_URLS);
        if (configured) {
            ConfigValue value = config.getValue(ADVERTISE_CLIENT_URLS);
            if (value.valueType() == ConfigValueType.LIST) {
                urls.addAll(read(config, ADVERTISE_CLIENT_URLS, () -> config.getStringList(ADVERTISE_CLIENT_URLS)));
            } else {
                for (String part : read(config, ADVERTISE_CLIENT_URLS, () -> config.getString(ADVERTISE_CLIENT_URLS))
                        .split(",")) {
                    urls.add(part);
                }
            }
        } else {
            if (!config.hasPath(SERVER_ADDR)) {
                throw bad(config, ADVERTISE_CLIENT_URLS, "is not set and neither is " + SERVER_ADDR);
            }
            urls.add("http://" + read(config, SERVER_ADDR, () -> config.getString(SERVER_ADDR)).trim());
        }
        List<String> checked = new ArrayList<>();
        for (String url : urls) {
            checked.add(checkUrl(config, configured ? ADVERTISE_CLIENT_URLS : SERVER_ADDR, url.trim()));
        }
        if (checked.isEmpty()) {
            throw bad(config, ADVERTISE_CLIENT_URLS, "must list at least one URL");
        }
        return checked;
    }

    /** Clients dial the first client URL as host:port, so each must be an http(s) URL with a host. */
    private static String checkUrl(Config config, String key, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw bad(config, key, "expected an http:// or https:// URL with a host, got '" + url + "'");
            }
            return url;
        } catch (URISyntaxException e) {
            throw bad(config, key, "expected an http:// or https:// URL with a host, got '" + url + "'");
        }
    }

    /** Runs {@code reader}, turning typesafe-config's type errors into a BadValue naming {@code key}. */
    static <T> T read(Config config, String key, Supplier<T> reader) {
        try {
            return reader.get();
        } catch (ConfigException.BadValue e) {
            throw e;
        } catch (ConfigException.Missing e) {
            throw bad(config, key, "is missing");
        } catch (ConfigException e) {
            throw bad(config, key, e.getMessage());
        }
    }

    static ConfigException bad(Config config, String key, String reason) {
        return new ConfigException.BadValue(config.origin(), key, reason);
    }
}
