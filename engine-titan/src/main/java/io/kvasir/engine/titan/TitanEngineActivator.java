package io.kvasir.engine.titan;

import com.typesafe.config.Config;
import io.kvasir.engine.api.KvEngine;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the titan engine in {@code <storage.data-dir>/titan} with the node's {@code titan.*} and
 * {@code rocksdb.*} settings and registers it as the {@link KvEngine} service named {@code titan};
 * stopping the bundle unregisters and closes it. The kernel starts this bundle only when {@code
 * storage.engine = titan} (manifest header {@code Kvasir-Engine}) and registers the node's
 * {@link Config} before it starts engine bundles. An activator rather than a DS component so that a
 * bad setting fails {@link #start} itself with typesafe-config's {@code ConfigException.BadValue},
 * which names the key.
 */
public final class TitanEngineActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(TitanEngineActivator.class);

    private TitanEngine engine;
    private ServiceRegistration<KvEngine> registration;

    @Override
    public void start(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no com.typesafe.config.Config service: the kernel registers it before starting engine bundles");
        }
        TitanConfig.Settings settings;
        try {
            Config config = context.getService(reference);
            if (config == null) {
                throw new IllegalStateException("the com.typesafe.config.Config service went away during start");
            }
            settings = TitanConfig.fromConfig(config);
        } finally {
            context.ungetService(reference);
        }
        TitanEngine opened = TitanEngine.open(settings.dir(), settings.options());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(KvEngine.ENGINE_NAME, TitanEngine.NAME);
        try {
            registration = context.registerService(KvEngine.class, opened, properties);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        engine = opened;
        LOG.info("titan engine open at {}", settings.dir());
    }

    @Override
    public void stop(BundleContext context) {
        try {
            if (registration != null) {
                registration.unregister();
            }
        } finally {
            registration = null;
            if (engine != null) {
                engine.close();
                LOG.info("titan engine at {} closed", engine.path());
                engine = null;
            }
        }
    }
}
