package io.kvasir.kernel.felix;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.kvasir.kernel.KernelStartupException;
import io.kvasir.kernel.config.BundleReference;
import org.osgi.framework.Bundle;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code reference.conf} at the root of each installed bundle. Done before any
 * bundle starts, so the config a bundle gets in its activator already holds its defaults.
 */
public final class BundleReferences {

    private BundleReferences() {
    }

    public static List<BundleReference> read(List<Bundle> bundles) {
        List<BundleReference> references = new ArrayList<>();
        for (Bundle b : bundles) {
            // getEntry looks only in the bundle's own jar, never through its imports.
            URL entry = b.getEntry("reference.conf");
            if (entry != null) {
                references.add(new BundleReference(b.getSymbolicName(), parse(b, entry)));
            }
        }
        return references;
    }

    private static com.typesafe.config.Config parse(Bundle b, URL entry) {
        String origin = "reference.conf of bundle " + b.getSymbolicName();
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF).setOriginDescription(origin);
        try (Reader reader = new InputStreamReader(entry.openStream(), StandardCharsets.UTF_8)) {
            return ConfigFactory.parseReader(reader, options);
        } catch (IOException e) {
            throw new KernelStartupException("cannot read " + origin + ": " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new KernelStartupException("cannot parse " + origin + ": " + e.getMessage(), e);
        }
    }
}
