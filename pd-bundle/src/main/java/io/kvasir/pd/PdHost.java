package io.kvasir.pd;

import io.grpc.BindableService;
import io.kvasir.engine.api.KvEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the PD's life across engine swaps: at most one PD runs, on one engine. Free of OSGi so
 * that tests drive it; {@link PdActivator} feeds it the engine services it tracks.
 *
 * <p>Transitions (anything else is ignored, never half-done):
 * <pre>
 *   IDLE    --engineAdded(e)-----------&gt; RUNNING(e)  open the state on e, publish the service
 *   RUNNING --engineAdded(f)-----------&gt; RUNNING(e)  f is remembered as a standby
 *   RUNNING --engineRemoved(e)---------&gt; RUNNING(f)  withdraw the service first, drop the state,
 *                                                     then start on a standby f if there is one
 *                                        or IDLE
 *   any     --close()------------------&gt; CLOSED      withdraw, drop; later events are ignored
 * </pre>
 * Opening can fail (a corrupt record, an engine error): the failure is logged, nothing is
 * published, and the host stays IDLE until another engine appears.
 */
final class PdHost {
    private static final Logger LOG = LoggerFactory.getLogger(PdHost.class);

    /** Publishes a service; closing the handle withdraws it. */
    interface Publisher {
        AutoCloseable publish(BindableService service);
    }

    private final PdSettings settings;
    private final Clock clock;
    private final RandomGenerator random;
    private final Publisher publisher;
    private final List<KvEngine> standby = new ArrayList<>();
    private KvEngine engine;
    private PdState state;
    private AutoCloseable publication;
    private boolean closed;

    PdHost(PdSettings settings, Clock clock, RandomGenerator random, Publisher publisher) {
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.publisher = publisher;
    }

    synchronized void engineAdded(KvEngine added) {
        if (closed) {
            return;
        }
        if (engine != null) {
            standby.add(added);
            return;
        }
        start(added);
    }

    synchronized void engineRemoved(KvEngine removed) {
        standby.remove(removed);
        if (removed != engine) {
            return;
        }
        stop();
        if (!closed && !standby.isEmpty()) {
            start(standby.remove(0));
        }
    }

    synchronized void close() {
        closed = true;
        standby.clear();
        stop();
    }

    /** The running PD's state, or null. */
    synchronized PdState state() {
        return state;
    }

    private void start(KvEngine candidate) {
        PdState opened;
        try {
            opened = PdState.open(candidate, settings, clock, random);
        } catch (RuntimeException e) {
            LOG.error("PD cannot open its state in the {} engine at {}: {}", candidate.name(), candidate.path(), e.toString());
            return;
        }
        try {
            publication = publisher.publish(new PdService(opened));
        } catch (RuntimeException e) {
            opened.close();
            LOG.error("PD cannot publish its gRPC service: {}", e.toString());
            return;
        }
        engine = candidate;
        state = opened;
        LOG.info("PD {} serving cluster {} as member {} (advertised {}), state in the {} engine",
                settings.name(), Long.toUnsignedString(opened.clusterId()),
                Long.toUnsignedString(opened.identity().memberId()), settings.clientUrls(), candidate.name());
    }

    private void stop() {
        if (engine == null) {
            return;
        }
        // Withdraw first, so no new call reaches a state whose engine is going away.
        try {
            publication.close();
        } catch (Exception e) {
            LOG.warn("withdrawing the PD service failed: {}", e.toString());
        }
        state.close();
        LOG.info("PD stopped on the {} engine", engine.name());
        publication = null;
        state = null;
        engine = null;
    }
}
