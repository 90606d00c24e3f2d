package io.kvasir.engine.lmdb;

import com.typesafe.config.Config;
import io.kvasir.engine.api.KvEngine;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Opens the LMDB engine in {@code <storage.data-dir>/lmdb} with the node's {@code lmdb.*}
 * settings and registers it as the {@link KvEngine} service named {@code lmdb}; stopping the
 * bundle unregisters and closes it. The kernel starts this bundle only when {@code
 * storage.engine = lmdb} (manifest header {@code Kvasir-Engine}) and registers the node's
 * {@link Config} before it starts engine bundles.
 *
 * <p>A bad setting fails {@link #start} with typesafe-config's {@code ConfigException.BadValue},
 * which names the key.
 */
public final class LmdbEngineActivator implements BundleActivator {
    private LmdbEngine engine;
    private ServiceRegistration<KvEngine> registration;

    @Override
    public void start(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no com.typesafe.config.Config service: the kernel registers it before starting engine bundles");
        }
        LmdbConfig.Settings settings;
        try {
            Config config = context.getService(reference);
            if (config == null) {
                throw new IllegalStateException("the com.typesafe.config.Config service went away during start");
            }
            settings = LmdbConfig.fromConfig(config);
        } finally {
            context.ungetService(reference);
        }
        LmdbEngine opened = LmdbEngine.open(settings.dir(), settings.options());
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(KvEngine.ENGINE_NAME, LmdbEngine.NAME);
        try {
            registration = context.registerService(KvEngine.class, opened, properties);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        engine = opened;
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
                engine = null;
            }
        }
    }
}
