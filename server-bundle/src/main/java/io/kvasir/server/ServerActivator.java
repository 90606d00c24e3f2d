package io.kvasir.server;

import com.typesafe.config.Config;
import io.grpc.BindableService;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.txn.api.RawStorage;
import io.kvasir.txn.api.TxnStorage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link TikvService} as an {@link BindableService} OSGi service while both a
 * {@link RawStorage} and a {@link TxnStorage} service exist (the txn bundle publishes the two
 * together, over the same region store); the kernel's gRPC whiteboard serves every registered
 * {@code BindableService}, the latest one of each service name. While the store does not serve,
 * {@link TikvNotServing} stands in and answers UNAVAILABLE, which clients retry (the bare server
 * would answer UNIMPLEMENTED, which they take as final). Serving only with both keeps a client from
 * meeting a store that answers raw requests but not transactional ones.
 *
 * <p>The service is bound to one storage of each kind at a time ({@link ServiceFollower}): the
 * best-ranked one when it is registered, kept until it goes away. When either of the two in use
 * changes (goes away, or another takes its place), the service is unregistered and, if both
 * kinds are there, registered again over the pair in use. All of that happens under this
 * object's lock, so the registration always matches the pair.
 *
 * <p>The Raft RPCs (Raft, BatchRaft, Snapshot) go to the store's {@link RaftMessageReceiver}
 * service, followed by another tracker ({@link RaftReceiverTracker}): optional and dynamic, it
 * never causes a re-registration. While there is none, those RPCs answer UNAVAILABLE.
 *
 * <p>Calls carrying {@code tikv-forwarded-host} are proxied to the store it names
 * ({@link RequestForwarding}), over channels that live as long as the bundle.
 *
 * <p>A hand-written activator with {@link ServiceTracker}s rather than a DS component: the
 * assembly does not ship Felix SCR yet, and the dependencies are two mandatory, dynamic storages
 * and one optional receiver. The request metrics live as long as the bundle, across storage changes.
 */
public final class ServerActivator implements BundleActivator {
    private static final Logger LOG = LoggerFactory.getLogger(ServerActivator.class);

    /** The gRPC server's inbound limit, which answers proxied from other stores get as well. */
    private static final String MAX_MESSAGE_KEY = "server.grpc-max-recv-msg-len";
    private static final int DEFAULT_MAX_MESSAGE = 64 << 20;

    private final RequestMetrics metrics = new RequestMetrics(System::nanoTime);

    private volatile BundleContext context;
    private volatile RaftReceiverTracker raftReceivers;
    private ServiceTracker<RaftMessageReceiver, RaftMessageReceiver> raftReceiverTracker;
    private volatile ServiceFollower<RawStorage> rawStorages;
    private volatile ServiceFollower<TxnStorage> txnStorages;

    // Guarded by this: the service while the store serves, the stand-in while it does not.
    private ServiceRegistration<BindableService> registration;
    private ServiceRegistration<BindableService> notServing;
    private boolean stopping;

    private PrometheusSink exporter;
    private volatile ForwardingChannels forwardingChannels;
    private volatile RequestForwarding forwarding;

    @Override
    public void start(BundleContext bundleContext) {
        this.context = bundleContext;
        // The kernel publishes the node's metrics registry; without one (tests) nothing is exported.
        ServiceReference<PrometheusRegistry> registry = bundleContext.getServiceReference(PrometheusRegistry.class);
        if (registry != null && bundleContext.getService(registry) != null) {
            exporter = new PrometheusSink(bundleContext.getService(registry));
            metrics.sink(exporter);
        }
        Config config = nodeConfig(bundleContext);
        forwardingChannels = new ForwardingChannels(config != null && config.hasPath(MAX_MESSAGE_KEY)
                ? (int) Math.min(Integer.MAX_VALUE, config.getBytes(MAX_MESSAGE_KEY)) : DEFAULT_MAX_MESSAGE);
        forwarding = new RequestForwarding(forwardingChannels, selfAddress(config));
        synchronized (this) {
            publishNotServing();
        }
        // Opened first, so that a service bound at once already sees a receiver registered before it.
        raftReceivers = new RaftReceiverTracker(bundleContext);
        raftReceiverTracker = new ServiceTracker<>(bundleContext, RaftMessageReceiver.class, raftReceivers);
        raftReceiverTracker.open();
        // Both exist before either opens: the first callback of either reads both.
        rawStorages = new ServiceFollower<>(bundleContext, RawStorage.class, this, this::storagesChanged);
        txnStorages = new ServiceFollower<>(bundleContext, TxnStorage.class, this, this::storagesChanged);
        rawStorages.open();
        txnStorages.open();
    }

    @Override
    public void stop(BundleContext bundleContext) {
        // Closing drops the storages in use without taking others, so nothing is re-registered on the way out.
        if (txnStorages != null) {
            txnStorages.close();
        }
        if (rawStorages != null) {
            rawStorages.close();
        }
        synchronized (this) {
            stopping = true;
            unbind();
            withdrawNotServing();
        }
        if (raftReceiverTracker != null) {
            raftReceiverTracker.close();
            raftReceiverTracker = null;
        }
        if (forwardingChannels != null) {
            forwardingChannels.close();
            forwardingChannels = null;
        }
        if (exporter != null) {
            metrics.sink(RequestMetrics.Sink.NONE);
            exporter.close();
            exporter = null;
        }
    }

    /** Called with this locked, by either follower, whenever its storage in use changed. */
    private void storagesChanged() {
        unbind();
        RawStorage raw = rawStorages.inUse();
        TxnStorage txn = txnStorages.inUse();
        if (raw != null && txn != null) {
            registration = context.registerService(BindableService.class,
                    new ServedTikv(new TikvService(raw, txn, metrics, raftReceivers), forwarding), null);
            // After the service: the whiteboard serves one definition per service name, the latest.
            withdrawNotServing();
            // The playground (and tests) wait for this line: the store serves from here on.
            LOG.info("tikvpb.Tikv serving over the RawStorage of bundle {} and the TxnStorage of bundle {}",
                    rawStorages.provider(), txnStorages.provider());
        }
    }

    /** The node's configuration, or null outside a kernel (tests). */
    private static Config nodeConfig(BundleContext context) {
        ServiceReference<Config> reference = context.getServiceReference(Config.class);
        return reference == null ? null : context.getService(reference);
    }

    /**
     * The address this store advertises ({@code server.advertise-addr}, else {@code server.addr}),
     * or null when unknown: requests forwarded to it are served here.
     */
    private static String selfAddress(Config config) {
        if (config == null) {
            return null;
        }
        String key = config.hasPath("server.advertise-addr") ? "server.advertise-addr" : "server.addr";
        return config.hasPath(key) ? config.getString(key) : null;
    }

    /** Called with this locked: clients get UNAVAILABLE, not UNIMPLEMENTED, while the store does not serve. */
    private void publishNotServing() {
        if (notServing == null) {
            notServing = context.registerService(BindableService.class, new TikvNotServing(), null);
        }
    }

    private void withdrawNotServing() {
        unregisterQuietly(notServing);
        notServing = null;
    }

    private static void unregisterQuietly(ServiceRegistration<?> service) {
        if (service == null) {
            return;
        }
        try {
            service.unregister();
        } catch (IllegalStateException e) {
            // Already unregistered: the bundle is stopping and the framework cleaned up first.
        }
    }

    private void unbind() {
        if (registration == null) {
            return;
        }
        if (!stopping) {
            publishNotServing();
        }
        unregisterQuietly(registration);
        registration = null;
        LOG.info("tikvpb.Tikv unregistered: a storage it was bound to went away or changed, or the bundle stops");
    }

    /** For tests: whether the service is currently registered. */
    synchronized boolean registered() {
        return registration != null;
    }
}
