package io.kvasir.raft.store;

import com.typesafe.config.Config;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import java.time.Clock;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.raft.store.transport.TransportSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
        Config config = nodeConfig(context);
        StoreSettings settings = StoreSettings.from(config);
        TransportSettings transport = TransportSettings.from(config);
        tracker = new ServiceTracker<>(context, KvEngine.class, new ServiceTrackerCustomizer<>() {
            @Override
            public RunningStore addingService(ServiceReference<KvEngine> reference) {
                KvEngine engine = context.getService(reference);
                return engine == null ? null : RunningStore.start(context, engine, settings, transport);
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
        private final StoreMetrics metrics;
        private ServiceRegistration<RegionStore> registration;
        private ServiceRegistration<RaftMessageReceiver> inbox;
        private ServiceRegistration<ClusterDirectory> directory;
        private boolean closed;

        private RunningStore(StoreNode node, StoreMetrics metrics) {
            this.node = node;
            this.metrics = metrics;
        }

        static RunningStore start(BundleContext context, KvEngine engine, StoreSettings settings,
                TransportSettings transport) {
            StoreNode node = new StoreNode(engine, settings, transport, Clock.systemUTC());
            // The kernel publishes the node's metrics registry; without one (tests) nothing is exported.
            ServiceReference<PrometheusRegistry> registry = context.getServiceReference(PrometheusRegistry.class);
            StoreMetrics metrics = registry == null || context.getService(registry) == null ? null
                    : new StoreMetrics(context.getService(registry), node::sample);
            RunningStore running = new RunningStore(node, metrics);
            running.node.start(serving -> running.register(context, serving));
            return running;
        }

        private synchronized void register(BundleContext context, StoreNode.Serving serving) {
            if (!closed) {
                inbox = context.registerService(RaftMessageReceiver.class, serving.raftInbox(), null);
                // Before the region store: whoever follows the region store finds the directory there.
                directory = context.registerService(ClusterDirectory.class, serving.directory(), null);
                registration = context.registerService(RegionStore.class, serving.regions(), null);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                unregister(registration, "region store");
                registration = null;
                unregister(directory, "cluster directory");
                directory = null;
                unregister(inbox, "raft inbox");
                inbox = null;
            }
            node.close();
            if (metrics != null) {
                metrics.close();
            }
        }

        /** Withdraws a service, which the framework may have withdrawn already (the bundle stopping). */
        private static void unregister(ServiceRegistration<?> service, String what) {
            if (service == null) {
                return;
            }
            try {
                service.unregister();
            } catch (IllegalStateException e) {
                LOG.debug("{} already unregistered", what);
            }
        }
    }
}
