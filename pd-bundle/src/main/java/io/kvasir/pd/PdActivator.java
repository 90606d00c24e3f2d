package io.kvasir.pd;

import com.typesafe.config.Config;
import io.grpc.BindableService;
import io.kvasir.engine.api.KvEngine;
import java.security.SecureRandom;
import java.time.Clock;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Starts the Placement Driver: reads the {@code pd.*} settings (a bad one fails
 * {@code Bundle.start()} with a {@link com.typesafe.config.ConfigException.BadValue} naming the
 * key, which the kernel prints as one line), then tracks the node's {@link KvEngine} service. While
 * an engine is there the PD keeps its state in it and serves pdpb.PD as an
 * {@link BindableService}, which the kernel's gRPC whiteboard serves on the node's port; when the
 * engine goes away (an engine swap) the service is withdrawn first. {@link PdHost} owns those
 * transitions. An activator rather than DS, like the engine bundles, so that configuration errors
 * surface at start.
 */
public final class PdActivator implements BundleActivator {
    private PdHost host;
    private ServiceTracker<KvEngine, KvEngine> tracker;

    @Override
    public void start(BundleContext context) {
        PdSettings settings = PdSettings.from(nodeConfig(context));
        host = new PdHost(settings, Clock.systemUTC(), new SecureRandom(), service -> {
            ServiceRegistration<BindableService> registration = context.registerService(BindableService.class, service, null);
            return registration::unregister;
        });
        tracker = new ServiceTracker<>(context, KvEngine.class, new ServiceTrackerCustomizer<>() {
            @Override
            public KvEngine addingService(ServiceReference<KvEngine> reference) {
                KvEngine engine = context.getService(reference);
                if (engine != null) {
                    host.engineAdded(engine);
                }
                return engine;
            }

            @Override
            public void modifiedService(ServiceReference<KvEngine> reference, KvEngine engine) {
                // Engine service properties do not matter to the PD.
            }

            @Override
            public void removedService(ServiceReference<KvEngine> reference, KvEngine engine) {
                host.engineRemoved(engine);
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
        if (host != null) {
            host.close();
            host = null;
        }
    }

    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        if (reference == null) {
            throw new IllegalStateException("no node configuration service: the PD bundle must run in a Kvasir kernel");
        }
        return context.getService(reference);
    }
}
