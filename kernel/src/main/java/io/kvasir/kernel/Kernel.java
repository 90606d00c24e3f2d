package io.kvasir.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.config.BundleReference;
import io.kvasir.kernel.config.ConfigLoader;
import io.kvasir.kernel.config.HostPort;
import io.kvasir.kernel.config.KernelSettings;
import io.kvasir.kernel.felix.BundleFailures;
import io.kvasir.kernel.felix.BundleReferences;
import io.kvasir.kernel.felix.EmbeddedFramework;
import io.kvasir.kernel.felix.BundleSelection;
import io.kvasir.kernel.felix.Slf4jFelixLogger;
import io.kvasir.kernel.felix.SystemPackages;
import io.kvasir.kernel.grpc.GrpcServer;
import io.kvasir.kernel.grpc.ServiceWhiteboard;
import io.kvasir.kernel.status.StatusServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A running Kvasir node: an embedded OSGi framework whose bundles make up the node, the gRPC
 * server those bundles publish services on, and the status HTTP server. Built and started by
 * {@link Builder#start()}; {@link #close()} stops it.
 *
 * <p>Start order matters: the config (with every bundle's defaults) is registered as a
 * service and the gRPC server listens before the first bundle starts, so activators can read
 * the one and publish on the other.
 */
public final class Kernel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
    private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private final Builder builder;
    private final Object lifecycle = new Object();
    // Set once while booting, read by status-server threads and by whoever closes: volatile.
    private volatile String state = "starting";
    private volatile Config config = ConfigFactory.empty();
    private volatile Config operatorConfig = ConfigFactory.empty();
    private volatile KernelSettings settings;
    private volatile GrpcServer grpc;
    private volatile StatusServer status;
    private volatile EmbeddedFramework framework;
    private volatile ServiceWhiteboard whiteboard;
    // One registry per node, not Prometheus' JVM-global default: tests run several kernels in a JVM.
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private boolean closed;

    private Kernel(Builder builder) {
        this.builder = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    private void boot() {
        ConfigLoader loader = ConfigLoader.create(builder.overrides, builder.configFile,
                ConfigLoader.kernelReference(Kernel.class.getClassLoader()));
        config = loader.kernelOnly();
        operatorConfig = loader.operatorView(config, List.of());
        settings = KernelSettings.from(config);
        grpc = GrpcServer.start(settings);
        status = StatusServer.start(settings.statusAddress(), KernelSettings.STATUS_ADDR, new StatusView());
        framework = EmbeddedFramework.init(frameworkProperties());

        List<Bundle> installed = framework.installAll(settings.bundlesDir(), KernelSettings.BUNDLES_DIR);
        List<BundleReference> references = BundleReferences.read(installed);
        config = loader.withBundles(references);
        operatorConfig = loader.operatorView(config, references);
        loader.unknownKeyWarnings(references).forEach(LOG::warn);
        List<Bundle> toStart = BundleSelection.bundlesToStart(installed, settings.engine(), settings.roles());
        boolean hasEngines = installed.stream().anyMatch(b -> BundleSelection.engineOf(b).isPresent());

        BundleContext context = framework.context();
        context.registerService(Config.class, config, null);
        JvmMetrics.builder().register(metrics);
        context.registerService(PrometheusRegistry.class, metrics, null);
        whiteboard = new ServiceWhiteboard(context, grpc.registry());
        whiteboard.open();
        framework.start();
        for (Bundle b : toStart) {
            startAtBoot(b);
        }
        state = "running";
        LOG.info("Kvasir node started: gRPC on {}, status on {}, {}, {} bundles active",
                grpcAddress(), statusAddress(), hasEngines ? "engine " + settings.engine() : "no engine",
                activeBundles());
    }

    private Map<String, Object> frameworkProperties() {
        Map<String, String> packages = SystemPackages.scan(builder.classPath, builder.systemPackagesFilter);
        LOG.debug("exporting {} class path packages from the system bundle", packages.size());
        Slf4jFelixLogger felixLogger = new Slf4jFelixLogger();
        Map<String, Object> p = new HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, settings.dataDir().resolve("felix-cache").toAbsolutePath().toString());
        // The cache only mirrors the bundles dir; a fresh one avoids stale bundle revisions.
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // Felix would otherwise install a JVM-wide URL handler factory; an embedded kernel must not.
        p.put("felix.service.urlhandlers", "false");
        p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.toHeader(packages, builder.extraPackages));
        p.put("felix.log.logger", felixLogger);
        p.put("felix.log.level", String.valueOf(felixLogger.felixLevel()));
        p.putAll(builder.frameworkProperties);
        return p;
    }

    private void startAtBoot(Bundle b) {
        try {
            framework.startBundle(b);
        } catch (BundleException | RuntimeException e) {
            LOG.debug("bundle {} failed to start", b.getSymbolicName(), e);
            throw new KernelStartupException(BundleFailures.describe(b, e, config), e);
        }
    }

    private long activeBundles() {
        return bundles().stream().filter(b -> b.id() != 0 && b.state().equals("ACTIVE")).count();
    }

    /** Every installed bundle, the framework itself (id 0) included. */
    public List<BundleInfo> bundles() {
        return framework == null ? List.of() : framework.bundles();
    }

    /**
     * Starts the bundle with this symbolic name (e.g. to swap in another engine).
     *
     * @throws IllegalArgumentException if no such bundle is installed
     * @throws IllegalStateException    with a one-line reason if it does not start
     */
    public void startBundle(String symbolicName) {
        Bundle b = requireBundle(symbolicName);
        try {
            framework.startBundle(b);
        } catch (BundleException e) {
            LOG.debug("bundle {} failed to start", symbolicName, e);
            throw new IllegalStateException(BundleFailures.describe(b, e, config), e);
        }
    }

    /**
     * Stops the bundle with this symbolic name; it stays installed.
     *
     * @throws IllegalArgumentException if no such bundle is installed
     * @throws IllegalStateException    with a one-line reason if its stop fails
     */
    public void stopBundle(String symbolicName) {
        Bundle b = requireBundle(symbolicName);
        try {
            framework.stopBundle(b);
        } catch (BundleException e) {
            throw new IllegalStateException("cannot stop bundle " + symbolicName + ": " + e.getMessage(), e);
        }
    }

    private Bundle requireBundle(String symbolicName) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("the kernel is closed");
            }
        }
        return framework.find(symbolicName)
                .orElseThrow(() -> new IllegalArgumentException("no bundle named " + symbolicName + " is installed"));
    }

    /** The framework's own context, to look at services and bundles (tests, admin tools). */
    public BundleContext systemContext() {
        return framework.context();
    }

    /** The port gRPC listens on (the real one when {@code server.addr} asked for port 0). */
    public int grpcPort() {
        return grpc.port();
    }

    public int statusPort() {
        return status.port();
    }

    /** The gRPC address actually bound: port 0 replaced by the real port. */
    public HostPort grpcAddress() {
        return settings.grpcAddress().withPort(grpcPort());
    }

    public HostPort statusAddress() {
        return settings.statusAddress().withPort(statusPort());
    }

    /** The node's resolved config, the same object bundles get as a service. */
    public Config config() {
        return config;
    }

    /**
     * Stops the node: health turns NOT_SERVING, bundles stop in reverse start order, then the
     * framework (waiting at most {@code kernel.shutdown-timeout}), then the servers. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state = "stopping";
        Duration timeout = settings == null ? DEFAULT_SHUTDOWN_TIMEOUT : settings.shutdownTimeout();
        if (grpc != null) {
            grpc.notServing();
        }
        if (framework != null) {
            framework.stopBundles();
            if (whiteboard != null) {
                whiteboard.close();
            }
            framework.stopFramework(timeout);
        }
        if (grpc != null) {
            grpc.shutdown(Duration.ofSeconds(Math.min(5, timeout.toSeconds())));
        }
        if (status != null) {
            status.close();
        }
        state = "stopped";
    }

    /** What the status server shows, read live. */
    private final class StatusView implements StatusServer.Source {
        @Override
        public String state() {
            return state;
        }

        @Override
        public List<BundleInfo> bundles() {
            return Kernel.this.bundles();
        }

        @Override
        public Config config() {
            return operatorConfig;
        }

        @Override
        public PrometheusRegistry metrics() {
            return metrics;
        }
    }

    /**
     * Everything a node is built from. Defaults suit {@code Main}: -D system properties as
     * overrides, the JVM class path exported to bundles minus Felix and the kernel.
     */
    public static final class Builder {
        private Path configFile;
        private Config overrides = ConfigFactory.defaultOverrides();
        private List<Path> classPath = SystemPackages.javaClassPath();
        private Predicate<Path> systemPackagesFilter = SystemPackages.defaultFilter();
        // lmdbjava needs sun.nio.ch; Felix exports only the JDK's public packages by itself.
        private final List<String> extraPackages = new ArrayList<>(List.of("sun.nio.ch"));
        private final Map<String, String> frameworkProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** The node's config file; must exist. Without one, only overrides and defaults apply. */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /** Highest-priority settings; replaces the default, {@code ConfigFactory.defaultOverrides()}. */
        public Builder overrides(Config overrides) {
            this.overrides = overrides;
            return this;
        }

        /** The class path whose jars the system bundle exports; default {@code java.class.path}. */
        public Builder classPath(List<Path> classPath) {
            this.classPath = List.copyOf(classPath);
            return this;
        }

        /** Which class path jars to export packages of; default {@link SystemPackages#defaultFilter()}. */
        public Builder systemPackagesFilter(Predicate<Path> include) {
            this.systemPackagesFilter = include;
            return this;
        }

        /** More {@code system.packages.extra} clauses, e.g. {@code "com.example;version=\"1.0\""}. */
        public Builder extraSystemPackages(String... clauses) {
            Collections.addAll(extraPackages, clauses);
            return this;
        }

        /** An OSGi framework property, readable by bundles with {@code BundleContext.getProperty}. */
        public Builder frameworkProperty(String key, String value) {
            frameworkProperties.put(key, value);
            return this;
        }

        /**
         * Starts the node: returns once every selected bundle is active.
         *
         * @throws KernelStartupException with a one-line reason; whatever was started is stopped again
         */
        public Kernel start() {
            Kernel kernel = new Kernel(this);
            try {
                kernel.boot();
                return kernel;
            } catch (RuntimeException e) {
                kernel.close();
                throw e;
            }
        }
    }
}
