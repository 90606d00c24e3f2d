package io.kvasir.txn;

import com.typesafe.config.Config;
import io.grpc.BindableService;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import io.kvasir.txn.deadlock.ClusterWaitForGraph;
import io.kvasir.txn.deadlock.DeadlockService;
import io.kvasir.txn.deadlock.LocalWaitForGraph;
import io.kvasir.txn.gc.StoreGc;
import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.FlowMetrics;
import io.kvasir.txn.percolator.TxnKv;
import io.kvasir.txn.percolator.TxnSettings;
import io.kvasir.txn.raw.RawKv;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Publishes {@link RawStorage} and {@link TxnStorage} while the store serves: it follows the
 * {@link RegionStore} service, which comes and goes with the store (and with engine swaps).
 */
public final class StorageActivator implements BundleActivator {
    static final String ENABLE_TTL = "storage.enable-ttl";
    /** How often a store looks up which store is the deadlock detector (the first region's leader). */
    private static final java.time.Duration DETECTOR_LOOKUP_INTERVAL = java.time.Duration.ofSeconds(1);

    private ServiceTracker<RegionStore, Registrations> tracker;

    /**
     * The services published over one region store, its GC (null when it runs none), its part
     * in the cluster's deadlock detection (null without a PD to find the detector through), and
     * flow control's metrics (null with flow control off or no metrics registry).
     */
    private record Registrations(ServiceRegistration<RawStorage> raw, ServiceRegistration<TxnStorage> txn, TxnKv txnKv,
            StoreGc gc, ClusterWaitForGraph waitFor, ServiceRegistration<BindableService> deadlockService,
            FlowMetrics flowMetrics) {
        void unregister() {
            if (flowMetrics != null) {
                flowMetrics.close();
            }
            if (gc != null) {
                gc.close();
            }
            if (deadlockService != null) {
                deadlockService.unregister();
            }
            raw.unregister();
            txn.unregister();
            txnKv.close();
            if (waitFor != null) {
                waitFor.close();
            }
        }
    }

    @Override
    public void start(BundleContext context) {
        Config config = nodeConfig(context);
        boolean ttlEnabled = config.getBoolean(ENABLE_TTL);
        TxnSettings settings = TxnSettings.from(config);
        tracker = new ServiceTracker<>(context, RegionStore.class, new ServiceTrackerCustomizer<>() {
            @Override
            public Registrations addingService(ServiceReference<RegionStore> reference) {
                RegionStore regions = context.getService(reference);
                if (regions == null) {
                    return null;
                }
                ClusterDirectory pd = clusterDirectory(context);
                DeadlockDetector detector = TxnKv.newDeadlockDetector();
                // Outside a cluster (tests) the store's own waits are all there is to see.
                ClusterWaitForGraph clusterWaits = pd == null ? null : new ClusterWaitForGraph(detector, regions, pd);
                ServiceRegistration<BindableService> deadlockService = null;
                if (clusterWaits != null) {
                    clusterWaits.start(DETECTOR_LOOKUP_INTERVAL);
                    deadlockService = context.registerService(BindableService.class,
                            new DeadlockService(detector, clusterWaits::isDetector), null);
                }
                TxnKv txnKv = new TxnKv(regions, settings,
                        clusterWaits != null ? clusterWaits : new LocalWaitForGraph(detector));
                return new Registrations(
                        context.registerService(RawStorage.class, new RawKv(regions, Clock.systemUTC(), ttlEnabled), null),
                        context.registerService(TxnStorage.class, txnKv, null), txnKv,
                        pd == null ? null : startGc(context, regions, txnKv, pd, settings), clusterWaits, deadlockService,
                        flowMetrics(context, txnKv));
            }

            @Override
            public void modifiedService(ServiceReference<RegionStore> reference, Registrations registrations) {
            }

            @Override
            public void removedService(ServiceReference<RegionStore> reference, Registrations registrations) {
                registrations.unregister();
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

    /** What the store learns from PD (registered before its region store), or null outside a cluster (tests). */
    private static ClusterDirectory clusterDirectory(BundleContext context) {
        ServiceReference<ClusterDirectory> reference = context.getServiceReference(ClusterDirectory.class);
        return reference == null ? null : context.getService(reference);
    }

    /** The store's GC worker, unless GC is switched off (then null). */
    private static StoreGc startGc(BundleContext context, RegionStore regions, TxnKv txnKv, ClusterDirectory pd,
            TxnSettings settings) {
        if (settings.gcPollInterval().isZero()) {
            return null;
        }
        return StoreGc.start(regions, txnKv, pd, metricsRegistry(context), settings.gcPollInterval());
    }

    /** Flow control's figures on {@code /metrics}, or null with flow control off or no registry. */
    private static FlowMetrics flowMetrics(BundleContext context, TxnKv txnKv) {
        PrometheusRegistry registry = metricsRegistry(context);
        return registry == null ? null : txnKv.flowControl().map(flow -> new FlowMetrics(registry, flow)).orElse(null);
    }

    /** The node's metrics registry, or null where there is none (tests). */
    private static PrometheusRegistry metricsRegistry(BundleContext context) {
        ServiceReference<PrometheusRegistry> reference = context.getServiceReference(PrometheusRegistry.class);
        return reference == null ? null : context.getService(reference);
    }

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the txn bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }
}
