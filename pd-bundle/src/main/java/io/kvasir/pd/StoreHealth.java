package io.kvasir.pd;

import io.kvasir.kvproto.Metapb;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges stores for the scheduler from their state and last store heartbeat.
 *
 * <ul>
 *   <li><b>healthy</b>: state Up (node state neither Removing nor Removed) and heard from within
 *       {@code pd.max-store-down-time}. A peer on a store that is not healthy is replaced (PD's
 *       {@code checkDownPeer} and {@code checkOfflinePeer}).</li>
 *   <li><b>available</b>: healthy and heard from within {@code schedule.store-disconnect-time}. Only
 *       an available store receives a new peer or a leader: a store that merely missed two
 *       heartbeats is not replaced yet, but giving it new work would only stall (PD's
 *       {@code IsDisconnected} filter).</li>
 * </ul>
 *
 * <p>A store not heard from since this PD opened counts as last heard at the opening for
 * health (store heartbeat times are kept in memory only, so a PD restart would otherwise declare
 * every store down at once; PD waits out the same gap with its prepare checker), but it is not
 * available until it heartbeats.
 */
final class StoreHealth {
    private final StoreRegistry stores;
    private final Clock clock;
    private final Duration maxDownTime;
    private final Duration disconnectTime;
    private final long openedMillis;

    StoreHealth(StoreRegistry stores, Clock clock, Duration maxDownTime, Duration disconnectTime) {
        this.stores = stores;
        this.clock = clock;
        this.maxDownTime = maxDownTime;
        this.disconnectTime = disconnectTime;
        this.openedMillis = clock.millis();
    }

    /** The verdict on every store now; one per scheduling decision so that it sees one moment. */
    Snapshot snapshot() {
        long now = clock.millis();
        Map<Long, Metapb.Store> healthy = new HashMap<>();
        List<Metapb.Store> available = new ArrayList<>();
        for (Metapb.Store s : stores.all(true)) {
            boolean up = s.getState() == Metapb.StoreState.Up && s.getNodeState() != Metapb.NodeState.Removing
                    && s.getNodeState() != Metapb.NodeState.Removed;
            long heardMillis = s.getLastHeartbeat() / 1_000_000L;
            if (!up || now - Math.max(heardMillis, openedMillis) > maxDownTime.toMillis()) {
                continue;
            }
            healthy.put(s.getId(), s);
            if (heardMillis != 0 && now - heardMillis <= disconnectTime.toMillis()) {
                available.add(s);
            }
        }
        return new Snapshot(healthy, Collections.unmodifiableList(available));
    }

    /** Store verdicts at one moment. */
    static final class Snapshot {
        private final Map<Long, Metapb.Store> healthy;
        private final List<Metapb.Store> available;

        Snapshot(Map<Long, Metapb.Store> healthy, List<Metapb.Store> available) {
            this.healthy = healthy;
            this.available = available;
        }

        boolean isHealthy(long storeId) {
            return healthy.containsKey(storeId);
        }

        boolean isAvailable(long storeId) {
            for (Metapb.Store s : available) {
                if (s.getId() == storeId) {
                    return true;
                }
            }
            return false;
        }

        /** The available stores, in id order. */
        List<Metapb.Store> available() {
            return available;
        }

        /** A healthy store's metadata (for its labels), or null. */
        Metapb.Store healthyStore(long storeId) {
            return healthy.get(storeId);
        }
    }
}
