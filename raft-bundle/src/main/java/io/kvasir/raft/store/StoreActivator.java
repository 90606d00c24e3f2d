package io.kvasir.raft.store;

import com.typesafe.config.Config;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.raft.api.RegionStore;
import java.time.Clock;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store while the node has an engine: when a {@link KvEngine} service appears the store
 * starts on it and, once it serves, registers its {@link RegionStore}; when the engine goes away
 * (an engine swap, or shutdown) the store stops first. Settings are read at bundle start, so a bad
 * value fails the start with the key named.
 */
public final class StoreActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(StoreActivator.class);

    private ServiceTracker<KvEngine, RunningStore> tracker;

    @Override
    public void start(BundleContext context) {
        StoreSettings settings = StoreSettings.from(nodeConfig(context));
        tracker = new ServiceTracker<>(context, KvEngine.class, new ServiceTrackerCustomizer<>() {
            @Override
            public RunningStore addingService(ServiceReference<KvEngine> reference) {
                KvEngine engine = context.getService(reference);
                return engine == null ? null : RunningStore.start(context, engine, settings);
            }

            @Override
            public void modifiedService(ServiceReference<KvEngine> reference, RunningStore store) {
            }

            @Override
            public void removedService(ServiceReference<KvEngine> reference, RunningStore store) {
                store.close();
                context.ungetService(reference);
            }
        });
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        if (tracker != null) {
            tracker.close();
            tracker = null;
        }
    }

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the store bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }

    /** A store on one engine, and its service registration once it serves. */
    private static final class RunningStore implements AutoCloseable {
        private final StoreNode node;
        private ServiceRegistration<RegionStore> registration;
        private boolean closed;

        private RunningStore(StoreNode node) {
            this.node = node;
        }

        static RunningStore start(BundleContext context, KvEngine engine, StoreSettings settings) {
            RunningStore running = new RunningStore(new StoreNode(engine, settings, Clock.systemUTC()));
            running.node.start(regionStore -> running.register(context, regionStore));
            return running;
        }

        private synchronized void register(BundleContext context, RegionStore regionStore) {
            if (!closed) {
                registration = context.registerService(RegionStore.class, regionStore, null);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                if (registration != null) {
                    try {
                        registration.unregister();
                    } catch (IllegalStateException e) {
                        LOG.debug("region store already unregistered");
                    }
                    registration = null;
                }
            }
            node.close();
        }
    }
}
