package io.kvasir.engine.rocksdb;

import com.typesafe.config.Config;
import io.kvasir.engine.api.KvEngine;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the node's RocksDB engine when the bundle starts and registers it as the {@link KvEngine}
 * service; unregisters and closes it when the bundle stops. An activator rather than a DS
 * component so that a bad setting fails {@code Bundle.start()} itself, which the kernel reports
 * as one line naming the key.
 */
public final class RocksDbEngineActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbEngineActivator.class);

    private RocksDbEngine engine;
    private ServiceRegistration<KvEngine> registration;

    @Override
    public void start(BundleContext context) {
        Config config = nodeConfig(context);
        RocksDbOptions options = RocksDbConfig.options(config);
        Path dir = RocksDbConfig.dataDir(config);
        engine = RocksDbEngine.open(dir, options);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(KvEngine.ENGINE_NAME, engine.name());
        registration = context.registerService(KvEngine.class, engine, properties);
        LOG.info("RocksDB engine open at {}", dir);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (engine != null) {
            engine.close();
            LOG.info("RocksDB engine at {} closed", engine.path());
            engine = null;
        }
    }

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the engine bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }
}
