package io.kvasir.txn.raw;

import com.typesafe.config.Config;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.RawStorage;
import java.time.Clock;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Publishes {@link RawStorage} while the store serves: it follows the {@link RegionStore} service,
 * which comes and goes with the store (and with engine swaps).
 */
public final class RawStorageActivator implements BundleActivator {
    static final String ENABLE_TTL = "storage.enable-ttl";

    private ServiceTracker<RegionStore, ServiceRegistration<RawStorage>> tracker;

    @Override
    public void start(BundleContext context) {
        boolean ttlEnabled = nodeConfig(context).getBoolean(ENABLE_TTL);
        tracker = new ServiceTracker<>(context, RegionStore.class, new ServiceTrackerCustomizer<>() {
            @Override
            public ServiceRegistration<RawStorage> addingService(ServiceReference<RegionStore> reference) {
                RegionStore regions = context.getService(reference);
                if (regions == null) {
                    return null;
                }
                return context.registerService(RawStorage.class, new RawKv(regions, Clock.systemUTC(), ttlEnabled), null);
            }

            @Override
            public void modifiedService(ServiceReference<RegionStore> reference, ServiceRegistration<RawStorage> registration) {
            }

            @Override
            public void removedService(ServiceReference<RegionStore> reference, ServiceRegistration<RawStorage> registration) {
                registration.unregister();
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
