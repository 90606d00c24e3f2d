package io.kvasir.server;

import io.kvasir.raft.api.RaftMessageReceiver;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * The store's {@link RaftMessageReceiver} as the Raft RPCs see it: the best-ranked registered
 * service, or null while there is none (the store has not started, or is restarting on another
 * engine). {@link #get} is a volatile read, cheap enough for every message; the choice is made
 * when services come and go.
 */
final class RaftReceiverTracker
        implements ServiceTrackerCustomizer<RaftMessageReceiver, RaftMessageReceiver>, Supplier<RaftMessageReceiver> {

    private final BundleContext context;
    // Guarded by this. A plain map, not a sorted one: a reference's ranking may change.
    private final Map<ServiceReference<RaftMessageReceiver>, RaftMessageReceiver> tracked = new HashMap<>();
    private volatile RaftMessageReceiver best;

    RaftReceiverTracker(BundleContext context) {
        this.context = context;
    }

    @Override
    public RaftMessageReceiver get() {
        return best;
    }

    @Override
    public RaftMessageReceiver addingService(ServiceReference<RaftMessageReceiver> reference) {
        RaftMessageReceiver receiver = context.getService(reference);
        if (receiver == null) {
            return null;
        }
        synchronized (this) {
            tracked.put(reference, receiver);
            choose();
        }
        return receiver;
    }

    @Override
    public void modifiedService(ServiceReference<RaftMessageReceiver> reference, RaftMessageReceiver receiver) {
        synchronized (this) {
            choose();
        }
    }

    @Override
    public void removedService(ServiceReference<RaftMessageReceiver> reference, RaftMessageReceiver receiver) {
        synchronized (this) {
            tracked.remove(reference);
            choose();
        }
        context.ungetService(reference);
    }

    /** Called with this locked. A reference compares greater when it ranks higher (OSGi core, ServiceReference.compareTo). */
    private void choose() {
        ServiceReference<RaftMessageReceiver> top = null;
        for (ServiceReference<RaftMessageReceiver> r : tracked.keySet()) {
            if (top == null || r.compareTo(top) > 0) {
                top = r;
            }
        }
        best = top == null ? null : tracked.get(top);
    }
}
