package io.kvasir.server;

import io.grpc.BindableService;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.txn.api.RawStorage;
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
 * Publishes {@link TikvService} as an {@link BindableService} OSGi service while a
 * {@link RawStorage} service exists; the kernel's gRPC whiteboard serves every registered
 * {@code BindableService}, and stops serving it (clients then get UNIMPLEMENTED) when it is
 * unregistered. The service is bound to one storage at a time, the best-ranked one when it is
 * registered; if that storage goes away the service is unregistered and, if another storage is
 * there, registered again over it.
 *
 * <p>The Raft RPCs (Raft, BatchRaft, Snapshot) go to the store's {@link RaftMessageReceiver}
 * service, followed by a second tracker ({@link RaftReceiverTracker}): optional and dynamic, it
 * never causes a re-registration. While there is none, those RPCs answer UNAVAILABLE.
 *
 * <p>A hand-written activator with {@link ServiceTracker}s rather than a DS component: the
 * assembly does not ship Felix SCR yet, and the dependencies are one mandatory, dynamic storage
 * and one optional receiver. The request metrics live as long as the bundle, across storage changes.
 */
public final class ServerActivator implements BundleActivator, ServiceTrackerCustomizer<RawStorage, RawStorage> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerActivator.class);

    private final RequestMetrics metrics = new RequestMetrics(System::nanoTime);

    private volatile BundleContext context;
    private volatile ServiceTracker<RawStorage, RawStorage> tracker;
    private volatile RaftReceiverTracker raftReceivers;
    private ServiceTracker<RaftMessageReceiver, RaftMessageReceiver> raftReceiverTracker;

    // Guarded by this.
    private ServiceReference<RawStorage> boundTo;
    private ServiceRegistration<BindableService> registration;

    private PrometheusSink exporter;

    @Override
    public void start(BundleContext bundleContext) {
        this.context = bundleContext;
        // The kernel publishes the node's metrics registry; without one (tests) nothing is exported.
        ServiceReference<PrometheusRegistry> registry = bundleContext.getServiceReference(PrometheusRegistry.class);
        if (registry != null && bundleContext.getService(registry) != null) {
            exporter = new PrometheusSink(bundleContext.getService(registry));
            metrics.sink(exporter);
        }
        // Opened first, so that a service bound at once already sees a receiver registered before it.
        raftReceivers = new RaftReceiverTracker(bundleContext);
        raftReceiverTracker = new ServiceTracker<>(bundleContext, RaftMessageReceiver.class, raftReceivers);
        raftReceiverTracker.open();
        tracker = new ServiceTracker<>(bundleContext, RawStorage.class, this);
        tracker.open();
    }

    @Override
    public void stop(BundleContext bundleContext) {
        ServiceTracker<RawStorage, RawStorage> t = tracker;
        // Cleared first so that removedService, called by close() for every tracked storage,
        // unregisters the service without rebinding it to the next storage on the way out.
        tracker = null;
        if (t != null) {
            t.close();
        }
        synchronized (this) {
            unbind();
        }
        if (raftReceiverTracker != null) {
            raftReceiverTracker.close();
            raftReceiverTracker = null;
        }
        if (exporter != null) {
            metrics.sink(RequestMetrics.Sink.NONE);
            exporter.close();
            exporter = null;
        }
    }

    @Override
    public RawStorage addingService(ServiceReference<RawStorage> reference) {
        RawStorage storage = context.getService(reference);
        if (storage == null) {
            return null;
        }
        synchronized (this) {
            if (registration == null) {
                bind(reference, storage);
            }
        }
        return storage;
    }

    @Override
    public void modifiedService(ServiceReference<RawStorage> reference, RawStorage storage) {
        // Service properties do not change which storage serves.
    }

    @Override
    public void removedService(ServiceReference<RawStorage> reference, RawStorage storage) {
        synchronized (this) {
            if (reference.equals(boundTo)) {
                unbind();
                rebindToRemaining();
            }
        }
        context.ungetService(reference);
    }

    /** Called with this locked. The tracker no longer holds the removed reference here. */
    private void rebindToRemaining() {
        ServiceTracker<RawStorage, RawStorage> t = tracker;
        if (t == null) {
            return;
        }
        ServiceReference<RawStorage> best = t.getServiceReference();
        if (best != null) {
            RawStorage next = t.getService(best);
            if (next != null) {
                bind(best, next);
            }
        }
    }

    private void bind(ServiceReference<RawStorage> reference, RawStorage storage) {
        registration = context.registerService(BindableService.class, new TikvService(storage, metrics, raftReceivers), null);
        boundTo = reference;
        Object owner = reference.getBundle() == null ? "(unregistered)" : reference.getBundle().getSymbolicName();
        LOG.info("tikvpb.Tikv registered over the RawStorage of bundle {}", owner);
    }

    private void unbind() {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // Already unregistered: the bundle is stopping and the framework cleaned up first.
        }
        registration = null;
        boundTo = null;
        LOG.info("tikvpb.Tikv unregistered: its RawStorage went away");
    }

    /** For tests: whether the service is currently registered. */
    synchronized boolean registered() {
        return registration != null;
    }
}
