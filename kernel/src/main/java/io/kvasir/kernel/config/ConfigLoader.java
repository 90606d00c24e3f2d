package io.kvasir.kernel.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import io.kvasir.kernel.KernelStartupException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a node's configuration from its layers, highest priority first: the {@code -D}
 * overrides, the node's config file, the kernel's reference.conf, then each bundle's
 * reference.conf. Every input is a parameter, so tests never touch system properties.
 *
 * <p>Loading happens twice during start: {@link #kernelOnly()} before any bundle is installed
 * (the kernel needs its data dir and ports first), {@link #withBundles} once the bundles'
 * reference.conf files can be read.
 */
public final class ConfigLoader {
    private final Config overrides;
    private final Config nodeFile;
    private final String nodeFileName;
    private final Config kernelReference;

    private ConfigLoader(Config overrides, Config nodeFile, String nodeFileName, Config kernelReference) {
        this.overrides = overrides;
        this.nodeFile = nodeFile;
        this.nodeFileName = nodeFileName;
        this.kernelReference = kernelReference;
    }

    /**
     * @param overrides       highest priority, normally {@code ConfigFactory.defaultOverrides()}
     * @param nodeFile        the node's config file, or null for none
     * @param kernelReference the kernel's defaults, normally {@link #kernelReference(ClassLoader)}
     * @throws KernelStartupException if the node file cannot be read or parsed
     */
    public static ConfigLoader create(Config overrides, Path nodeFile, Config kernelReference) {
        if (nodeFile == null) {
            return new ConfigLoader(overrides, ConfigFactory.empty(), "(no config file)", kernelReference);
        }
        return new ConfigLoader(overrides, parseNodeFile(nodeFile), nodeFile.getFileName().toString(),
                kernelReference);
    }

    /** Every reference.conf visible to {@code loader}, merged, as typesafe-config's own loading does. */
    public static Config kernelReference(ClassLoader loader) {
        return ConfigFactory.parseResources(loader, "reference.conf");
    }

    private static Config parseNodeFile(Path file) {
        if (!Files.exists(file)) {
            throw new KernelStartupException("cannot read config file " + file + ": No such file");
        }
        if (Files.isDirectory(file)) {
            throw new KernelStartupException("cannot read config file " + file + ": is a directory");
        }
        if (!Files.isReadable(file)) {
            throw new KernelStartupException("cannot read config file " + file + ": Permission denied");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            // typesafe's message names the file and the line.
            throw new KernelStartupException("cannot parse config file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The config without any bundle's defaults, substitutions into bundle keys left unresolved:
     * enough to read {@link KernelSettings}.
     */
    public Config kernelOnly() {
        return resolve(merge(List.of()), true);
    }

    /**
     * The final config of the node.
     *
     * @throws KernelStartupException if a substitution cannot be resolved
     */
    public Config withBundles(List<BundleReference> bundleReferences) {
        return resolve(merge(bundleReferences), false);
    }

    /** One warning line per key of the node file that no reference.conf defines. */
    public List<String> unknownKeyWarnings(List<BundleReference> bundleReferences) {
        Config references = kernelReference;
        for (BundleReference r : bundleReferences) {
            references = references.withFallback(r.config());
        }
        Config nodeResolved = nodeFile.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        List<String> warnings = new ArrayList<>();
        for (UnknownKeys.UnknownKey k : UnknownKeys.find(nodeResolved, references)) {
            String where = k.line() > 0 ? nodeFileName + ": line " + k.line() : nodeFileName;
            warnings.add("unknown config key '" + k.path() + "' in " + where + " — not used by any bundle");
        }
        return warnings;
    }

    /**
     * The config without the JVM's system properties that {@code -D} overrides drag in
     * ({@code java.*}, {@code user.*}, ...): only top-level keys the node file or some
     * reference.conf defines. This is what an operator wants to see at {@code /config}.
     */
    public Config operatorView(Config effective, List<BundleReference> bundleReferences) {
        Set<String> shown = new HashSet<>(nodeFile.root().keySet());
        shown.addAll(kernelReference.root().keySet());
        bundleReferences.forEach(r -> shown.addAll(r.config().root().keySet()));
        Config view = effective;
        for (String key : effective.root().keySet()) {
            if (!shown.contains(key)) {
                view = view.withoutPath(ConfigUtil.joinPath(key));
            }
        }
        return view;
    }

    private Config merge(List<BundleReference> bundleReferences) {
        Config merged = overrides.withFallback(nodeFile).withFallback(kernelReference);
        for (BundleReference r : bundleReferences) {
            merged = merged.withFallback(r.config());
        }
        return merged;
    }

    private static Config resolve(Config merged, boolean allowUnresolved) {
        try {
            return merged.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(allowUnresolved));
        } catch (ConfigException e) {
            throw new KernelStartupException("config error: " + e.getMessage(), e);
        }
    }
}
