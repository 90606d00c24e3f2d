package io.kvasir.server;

import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Which service of one kind the {@link TikvService} is built over: the one in use stays in use
 * until it goes away (a better-ranked newcomer does not displace it, so serving is not
 * interrupted for nothing), then the best-ranked remaining one takes over. Every change of the
 * one in use is reported, under the lock shared with the activator, so the activator sees a
 * consistent pair of storages when it re-registers.
 *
 * <p>The candidates are kept in a map of its own rather than read back from the
 * {@link ServiceTracker}: the tracker adds a service to its own list only after
 * {@link #addingService} returns, so a removal racing with an addition on another thread could
 * otherwise miss the newcomer and leave nothing in use while a service exists.
 */
final class ServiceFollower<S> implements ServiceTrackerCustomizer<S, S> {
    private final BundleContext context;
    private final Object lock;
    private final Runnable changed;
    private final ServiceTracker<S, S> tracker;

    // Guarded by lock. A plain map, not a sorted one: a reference's ranking may change.
    private final Map<ServiceReference<S>, S> available = new HashMap<>();
    private ServiceReference<S> inUse;
    private boolean closing;

    /** @param changed called with {@code lock} held whenever the service in use changes (also to none) */
    ServiceFollower(BundleContext context, Class<S> type, Object lock, Runnable changed) {
        this.context = context;
        this.lock = lock;
        this.changed = changed;
        this.tracker = new ServiceTracker<>(context, type, this);
    }

    void open() {
        tracker.open();
    }

    /** Stops following; the service in use is dropped (reported as a change) and not replaced. */
    void close() {
        synchronized (lock) {
            closing = true;
        }
        tracker.close();
    }

    /** The service in use, or null. Call with the lock held. */
    S inUse() {
        return inUse == null ? null : available.get(inUse);
    }

    /** Who provides the service in use, for log lines. Call with the lock held. */
    String provider() {
        if (inUse == null) {
            return "(none)";
        }
        return inUse.getBundle() == null ? "(unregistered)" : inUse.getBundle().getSymbolicName();
    }

    @Override
    public S addingService(ServiceReference<S> reference) {
        S service = context.getService(reference);
        if (service == null) {
            return null;
        }
        synchronized (lock) {
            available.put(reference, service);
            if (inUse == null && !closing) {
                inUse = reference;
                changed.run();
            }
        }
        return service;
    }

    @Override
    public void modifiedService(ServiceReference<S> reference, S service) {
        // A change of ranking does not displace the service in use.
    }

    @Override
    public void removedService(ServiceReference<S> reference, S service) {
        synchronized (lock) {
            available.remove(reference);
            if (reference.equals(inUse)) {
                inUse = closing ? null : best();
                changed.run();
            }
        }
        context.ungetService(reference);
    }

    /** Called with the lock held. A reference compares greater when it ranks higher (OSGi core, ServiceReference.compareTo). */
    private ServiceReference<S> best() {
        ServiceReference<S> top = null;
        for (ServiceReference<S> r : available.keySet()) {
            if (top == null || r.compareTo(top) > 0) {
                top = r;
            }
        }
        return top;
    }
}
