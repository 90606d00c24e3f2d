package io.kvasir.kernel.testbundles;

import com.typesafe.config.Config;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Activator of a generated test bundle that, like a real bundle, reads its key (defaulted by
 * its own reference.conf) from the kernel's Config service and rejects a bad value the way
 * bundles are asked to: an IllegalArgumentException whose message starts with the key.
 */
public final class ConfigReadingActivator implements BundleActivator {
    public static final String KEY = "testbundle.mode";

    @Override
    public void start(BundleContext context) {
        ServiceReference<Config> ref = context.getServiceReference(Config.class);
        if (ref == null) {
            throw new IllegalStateException("no Config service registered before bundle start");
        }
        String mode = context.getService(ref).getString(KEY);
        if (!mode.equals("ok")) {
            throw new IllegalArgumentException(KEY + ": expected 'ok', got '" + mode + "'");
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
