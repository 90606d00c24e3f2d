package io.kvasir.kernel.felix;

import io.kvasir.kernel.KernelStartupException;
import io.kvasir.kernel.config.KernelSettings;
import org.osgi.framework.Bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Picks which bundles start. Two manifest headers decide, and the kernel knows nothing else about
 * what a bundle does:
 * <ul>
 *   <li>{@code Kvasir-Engine: <name>}: only the engine named by {@code storage.engine} starts; the
 *       others stay installed, so one can be swapped in at run time;</li>
 *   <li>{@code Kvasir-Role: <role>}: the bundle starts only when {@code node.roles} lists its role,
 *       so one distribution runs as a PD, a store, or both.</li>
 * </ul>
 * Fragments never start; bundles without either header always do.
 */
public final class BundleSelection {
    /** Manifest header naming the engine a bundle provides, e.g. {@code Kvasir-Engine: rocksdb}. */
    public static final String ENGINE_HEADER = "Kvasir-Engine";
    /** Manifest header naming the node role a bundle belongs to, e.g. {@code Kvasir-Role: pd}. */
    public static final String ROLE_HEADER = "Kvasir-Role";

    private BundleSelection() {
    }

    /**
     * @param installed bundles in install order
     * @param engine    the value of {@code storage.engine}
     * @param roles     the value of {@code node.roles}
     * @return the bundles to start, in install order
     * @throws KernelStartupException if engine bundles exist but none provides {@code engine}, or a
     *                                role is asked for that no bundle has
     */
    public static List<Bundle> bundlesToStart(List<Bundle> installed, String engine, Set<String> roles) {
        TreeSet<String> engines = new TreeSet<>();
        TreeSet<String> offeredRoles = new TreeSet<>();
        installed.forEach(b -> {
            engineOf(b).ifPresent(engines::add);
            roleOf(b).ifPresent(offeredRoles::add);
        });
        // An assembly without any engine has nothing to choose from.
        if (!engines.isEmpty() && !engines.contains(engine)) {
            throw new KernelStartupException(KernelSettings.ENGINE + ": unknown engine '" + engine
                    + "'; this assembly has: " + String.join(", ", engines));
        }
        // Likewise an assembly without role bundles (the kernel's own tests) runs whatever it has.
        for (String role : roles) {
            if (!offeredRoles.isEmpty() && !offeredRoles.contains(role)) {
                throw new KernelStartupException(KernelSettings.ROLES + ": no bundle provides role '" + role
                        + "'; this assembly has: " + String.join(", ", offeredRoles));
            }
        }
        List<Bundle> toStart = new ArrayList<>();
        for (Bundle b : installed) {
            boolean otherEngine = engineOf(b).map(e -> !e.equals(engine)).orElse(false);
            boolean otherRole = roleOf(b).map(r -> !roles.contains(r)).orElse(false);
            if (!otherEngine && !otherRole && !EmbeddedFramework.isFragment(b)) {
                toStart.add(b);
            }
        }
        return toStart;
    }

    /** The engine a bundle declares, if it is an engine bundle. */
    public static Optional<String> engineOf(Bundle b) {
        return header(b, ENGINE_HEADER);
    }

    /** The role a bundle declares, if it belongs to one. */
    public static Optional<String> roleOf(Bundle b) {
        return header(b, ROLE_HEADER);
    }

    private static Optional<String> header(Bundle b, String name) {
        String value = b.getHeaders("").get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
