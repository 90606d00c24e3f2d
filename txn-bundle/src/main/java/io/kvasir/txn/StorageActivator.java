package io.kvasir.txn;

import com.typesafe.config.Config;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import io.kvasir.txn.gc.StoreGc;
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

    private ServiceTracker<RegionStore, Registrations> tracker;

    /** The services published over one region store, and its GC (null when it runs none). */
    private record Registrations(ServiceRegistration<RawStorage> raw, ServiceRegistration<TxnStorage> txn, TxnKv txnKv,
            StoreGc gc) {
        void unregister() {
            if (gc != null) {
                gc.close();
            }
            raw.unregister();
            txn.unregister();
            txnKv.close();
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
                TxnKv txnKv = new TxnKv(regions, settings);
                return new Registrations(
                        context.registerService(RawStorage.class, new RawKv(regions, Clock.systemUTC(), ttlEnabled), null),
                        context.registerService(TxnStorage.class, txnKv, null), txnKv, startGc(context, regions, txnKv, settings));
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

    /**
     * The store's GC worker, when the store publishes what it learns from PD (it registers that
     * before its region store) and GC is not switched off; null otherwise.
     */
    private static StoreGc startGc(BundleContext context, RegionStore regions, TxnKv txnKv, TxnSettings settings) {
        ServiceReference<ClusterDirectory> directory = context.getServiceReference(ClusterDirectory.class);
        if (directory == null || settings.gcPollInterval().isZero()) {
            return null;
        }
        ClusterDirectory pd = context.getService(directory);
        if (pd == null) {
            return null;
        }
        ServiceReference<PrometheusRegistry> registry = context.getServiceReference(PrometheusRegistry.class);
        PrometheusRegistry metrics = registry == null ? null : context.getService(registry);
        return StoreGc.start(regions, txnKv, pd, metrics, settings.gcPollInterval());
    }

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the txn bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }
}
