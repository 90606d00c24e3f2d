package io.kvasir.kernel.grpc;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.util.MutableHandlerRegistry;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC whiteboard: every {@link BindableService} any bundle registers in the OSGi service
 * registry is served by the node's gRPC server until the service goes away. Bundles thus need
 * no reference to the server, and a stopped bundle's RPCs answer UNIMPLEMENTED while the rest
 * keep serving.
 */
public final class ServiceWhiteboard implements ServiceTrackerCustomizer<BindableService, ServerServiceDefinition> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceWhiteboard.class);

    private final BundleContext context;
    private final MutableHandlerRegistry registry;
    private final ServiceTracker<BindableService, ServerServiceDefinition> tracker;

    public ServiceWhiteboard(BundleContext context, MutableHandlerRegistry registry) {
        this.context = context;
        this.registry = registry;
        this.tracker = new ServiceTracker<>(context, BindableService.class, this);
    }

    public void open() {
        tracker.open();
    }

    public void close() {
        tracker.close();
    }

    @Override
    public ServerServiceDefinition addingService(ServiceReference<BindableService> ref) {
        BindableService service = context.getService(ref);
        if (service == null) {
            return null;
        }
        try {
            ServerServiceDefinition def = service.bindService();
            registry.addService(def);
            LOG.info("gRPC service {} added by bundle {}", def.getServiceDescriptor().getName(),
                    ref.getBundle().getSymbolicName());
            return def;
        } catch (RuntimeException e) {
            // One broken service must not take the whiteboard down; it simply is not served.
            LOG.error("gRPC service of bundle {} failed to bind: {}", ref.getBundle().getSymbolicName(), e.toString());
            context.ungetService(ref);
            return null;
        }
    }

    @Override
    public void modifiedService(ServiceReference<BindableService> ref, ServerServiceDefinition def) {
        // Service properties do not change what is served.
    }

    @Override
    public void removedService(ServiceReference<BindableService> ref, ServerServiceDefinition def) {
        registry.removeService(def);
        context.ungetService(ref);
        LOG.info("gRPC service {} removed", def.getServiceDescriptor().getName());
    }
}
