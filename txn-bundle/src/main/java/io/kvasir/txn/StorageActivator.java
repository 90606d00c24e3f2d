package io.kvasir.txn;

import com.typesafe.config.Config;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import io.kvasir.txn.percolator.TxnKv;
import io.kvasir.txn.percolator.TxnSettings;
import io.kvasir.txn.raw.RawKv;
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

    /** The services published over one region store. */
    private record Registrations(ServiceRegistration<RawStorage> raw, ServiceRegistration<TxnStorage> txn, TxnKv txnKv) {
        void unregister() {
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
                        context.registerService(TxnStorage.class, txnKv, null), txnKv);
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

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the txn bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }
}
