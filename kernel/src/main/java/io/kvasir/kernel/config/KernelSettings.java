package io.kvasir.kernel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.kvasir.kernel.KernelStartupException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernel's own keys, read and checked once so that a bad value stops the node at start
 * with a message naming the key, instead of surfacing later as an odd runtime failure.
 * Documented in the kernel's {@code reference.conf}.
 */
public record KernelSettings(
        HostPort grpcAddress,
        HostPort statusAddress,
        int grpcMaxRecvMsgLen,
        Duration grpcKeepAlivePermitTime,
        Path dataDir,
        String engine,
        Path bundlesDir,
        Duration shutdownTimeout,
        Set<String> roles) {

    public static final String SERVER_ADDR = "server.addr";
    public static final String STATUS_ADDR = "server.status-addr";
    public static final String GRPC_MAX_RECV_MSG_LEN = "server.grpc-max-recv-msg-len";
    public static final String GRPC_KEEPALIVE_PERMIT_TIME = "server.grpc-keepalive-permit-time";
    public static final String DATA_DIR = "storage.data-dir";
    public static final String ENGINE = "storage.engine";
    public static final String BUNDLES_DIR = "kernel.bundles-dir";
    public static final String SHUTDOWN_TIMEOUT = "kernel.shutdown-timeout";
    public static final String ROLES = "node.roles";
    /** System property bin/kvasir sets to the distribution root; seen in the config through the -D overrides. */
    public static final String KVASIR_HOME = "kvasir.home";

    /**
     * Reads the kernel keys from a merged config.
     *
     * @throws KernelStartupException naming the first key that is missing, of the wrong type or invalid
     */
    public static KernelSettings from(Config config) {
        try {
            return new KernelSettings(
                    HostPort.parse(SERVER_ADDR, config.getString(SERVER_ADDR)),
                    HostPort.parse(STATUS_ADDR, config.getString(STATUS_ADDR)),
                    maxRecvMsgLen(config),
                    nonNegative(config, GRPC_KEEPALIVE_PERMIT_TIME),
                    path(DATA_DIR, nonBlank(config, DATA_DIR)),
                    nonBlank(config, ENGINE),
                    bundlesDir(config),
                    positive(config, SHUTDOWN_TIMEOUT),
                    roles(config));
        } catch (ConfigException e) {
            // typesafe's messages already carry the origin (file: line) and the key.
            throw new KernelStartupException("config error: " + e.getMessage(), e);
        }
    }

    private static Set<String> roles(Config config) {
        Set<String> roles = new TreeSet<>();
        for (String role : config.getStringList(ROLES)) {
            if (role.isBlank()) {
                throw new KernelStartupException(ROLES + ": a role must not be empty");
            }
            roles.add(role.strip());
        }
        return Collections.unmodifiableSet(roles);
    }

    private static int maxRecvMsgLen(Config config) {
        long bytes = config.getBytes(GRPC_MAX_RECV_MSG_LEN);
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            // gRPC takes the limit as an int.
            throw new KernelStartupException(GRPC_MAX_RECV_MSG_LEN
                    + ": must be between 1 byte and 2047MiB, got " + bytes + " bytes");
        }
        return (int) bytes;
    }

    private static Duration nonNegative(Config config, String key) {
        Duration d = config.getDuration(key);
        if (d.isNegative()) {
            throw new KernelStartupException(key + ": must not be negative, got " + d);
        }
        return d;
    }

    private static Duration positive(Config config, String key) {
        Duration d = config.getDuration(key);
        if (d.isNegative() || d.isZero()) {
            throw new KernelStartupException(key + ": must be positive, got " + d);
        }
        return d;
    }

    private static String nonBlank(Config config, String key) {
        String value = config.getString(key);
        if (value.isBlank()) {
            throw new KernelStartupException(key + ": must not be empty");
        }
        return value;
    }

    private static Path bundlesDir(Config config) {
        if (config.hasPath(BUNDLES_DIR)) {
            return path(BUNDLES_DIR, nonBlank(config, BUNDLES_DIR));
        }
        // Not expressible in HOCON: "${?kvasir.home}/bundles" turns into "/bundles" when unset.
        if (config.hasPath(KVASIR_HOME)) {
            return path(KVASIR_HOME, config.getString(KVASIR_HOME)).resolve("bundles");
        }
        return Path.of("bundles");
    }

    private static Path path(String key, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new KernelStartupException(key + ": not a valid path, got '" + value + "'", e);
        }
    }
}
