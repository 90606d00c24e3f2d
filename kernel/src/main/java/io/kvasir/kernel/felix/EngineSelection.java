package io.kvasir.kernel.felix;

import io.kvasir.kernel.KernelStartupException;
import io.kvasir.kernel.config.KernelSettings;
import org.osgi.framework.Bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Picks which bundles start: all but fragments and the engine bundles not chosen by
 * {@code storage.engine}. Those stay installed, so an engine can be swapped in at runtime.
 * The kernel knows an engine bundle only by its manifest header, nothing about what it does.
 */
public final class EngineSelection {
    /** Manifest header naming the engine a bundle provides, e.g. {@code Kvasir-Engine: rocksdb}. */
    public static final String ENGINE_HEADER = "Kvasir-Engine";

    private EngineSelection() {
    }

    /**
     * @param installed bundles in install order
     * @param engine    the value of {@code storage.engine}
     * @return the bundles to start, in install order
     * @throws KernelStartupException if engine bundles exist but none provides {@code engine}
     */
    public static List<Bundle> bundlesToStart(List<Bundle> installed, String engine) {
        TreeSet<String> available = new TreeSet<>();
        installed.forEach(b -> engineOf(b).ifPresent(available::add));
        // An assembly without any engine (PD only) has nothing to choose from.
        if (!available.isEmpty() && !available.contains(engine)) {
            throw new KernelStartupException(KernelSettings.ENGINE + ": unknown engine '" + engine
                    + "'; this assembly has: " + String.join(", ", available));
        }
        List<Bundle> toStart = new ArrayList<>();
        for (Bundle b : installed) {
            boolean otherEngine = engineOf(b).map(e -> !e.equals(engine)).orElse(false);
            if (!otherEngine && !EmbeddedFramework.isFragment(b)) {
                toStart.add(b);
            }
        }
        return toStart;
    }

    /** The engine a bundle declares, if it is an engine bundle. */
    public static Optional<String> engineOf(Bundle b) {
        String value = b.getHeaders("").get(ENGINE_HEADER);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
