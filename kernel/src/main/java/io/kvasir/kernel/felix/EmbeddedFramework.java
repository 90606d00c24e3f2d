package io.kvasir.kernel.felix;

import io.kvasir.kernel.BundleInfo;
import io.kvasir.kernel.KernelStartupException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The embedded OSGi framework and the bundles the kernel started in it. Remembers the order
 * bundles were started in, so that shutdown stops them in reverse: a bundle may rely on the
 * services of bundles started before it until its own stop() returns.
 */
public final class EmbeddedFramework {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFramework.class);

    private final Framework framework;
    private final List<Bundle> startOrder = Collections.synchronizedList(new ArrayList<>());

    private EmbeddedFramework(Framework framework) {
        this.framework = framework;
    }

    /**
     * Creates the framework and initialises it: its context is usable (install bundles,
     * register services) but no bundle runs yet.
     *
     * @param properties framework properties; values are Strings except {@code felix.log.logger}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static EmbeddedFramework init(Map<String, Object> properties) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new KernelStartupException("no OSGi framework on the class path"));
        // Felix accepts non-String values (the logger object) although the signature says String.
        Framework framework = factory.newFramework((Map) properties);
        try {
            framework.init();
        } catch (BundleException e) {
            throw new KernelStartupException("cannot initialise the OSGi framework: " + e.getMessage(), e);
        }
        return new EmbeddedFramework(framework);
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** Installs every {@code *.jar} of {@code dir}, in file-name order. */
    public List<Bundle> installAll(Path dir, String dirKey) {
        if (!Files.isDirectory(dir)) {
            throw new KernelStartupException(dirKey + ": bundles directory " + dir + " does not exist");
        }
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jarsIn(dir)) {
            try {
                installed.add(context().installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                throw new KernelStartupException("cannot install bundle " + jar + ": " + e.getMessage(), e);
            }
        }
        return installed;
    }

    private static List<Path> jarsIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list bundles directory " + dir, e);
        }
    }

    /** Starts the framework itself (start level 1); bundles are started one by one with {@link #startBundle}. */
    public void start() {
        try {
            framework.start();
        } catch (BundleException e) {
            throw new KernelStartupException("cannot start the OSGi framework: " + e.getMessage(), e);
        }
    }

    public void startBundle(Bundle bundle) throws BundleException {
        bundle.start();
        synchronized (startOrder) {
            startOrder.remove(bundle);
            startOrder.add(bundle);
        }
    }

    public void stopBundle(Bundle bundle) throws BundleException {
        bundle.stop();
    }

    /**
     * Stops the bundles the kernel started, in reverse start order. Failures are logged:
     * shutdown carries on regardless.
     */
    public void stopBundles() {
        List<Bundle> reversed;
        synchronized (startOrder) {
            reversed = new ArrayList<>(startOrder);
        }
        Collections.reverse(reversed);
        for (Bundle b : reversed) {
            if ((b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                try {
                    b.stop();
                } catch (BundleException | RuntimeException e) {
                    LOG.warn("bundle {} did not stop cleanly: {}", b.getSymbolicName(), e.getMessage());
                    LOG.debug("stop failure of {}", b.getSymbolicName(), e);
                }
            }
        }
    }

    /** Stops the framework (and any bundle still running), waiting for it at most {@code timeout}. */
    public void stopFramework(Duration timeout) {
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(Math.max(1, timeout.toMillis()));
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.warn("OSGi framework did not stop within {}", timeout);
            }
        } catch (BundleException e) {
            LOG.warn("OSGi framework did not stop cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for the OSGi framework to stop");
        }
    }

    /** The bundle with this symbolic name, the newest if several versions are installed. */
    public Optional<Bundle> find(String symbolicName) {
        BundleContext context = context();
        if (context == null) {
            return Optional.empty();
        }
        Bundle found = null;
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())
                    && (found == null || b.getVersion().compareTo(found.getVersion()) > 0)) {
                found = b;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every installed bundle; once the framework stopped, only the framework itself. */
    public List<BundleInfo> bundles() {
        BundleContext context = context();
        if (context == null) {
            return List.of(info(framework));
        }
        return Arrays.stream(context.getBundles()).map(EmbeddedFramework::info).toList();
    }

    static BundleInfo info(Bundle b) {
        return new BundleInfo(b.getBundleId(), String.valueOf(b.getSymbolicName()), b.getVersion().toString(),
                stateName(b.getState()));
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }

    /** Fragments attach to a host and cannot be started. */
    public static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }
}
