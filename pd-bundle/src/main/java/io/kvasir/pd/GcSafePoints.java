package io.kvasir.pd;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GC safe point and the service safe points, persisted with synced writes.
 *
 * <p>The GC safe point ({@code pd/gc/safe_point}) only moves forward: TiKV may already have
 * collected versions below it. Service safe points ({@code pd/gc/service/<service id>}) let a
 * service (CDC, backup, ...) hold GC back for a time-to-live in seconds, after which the entry
 * expires and is pruned. Semantics follow PD's {@code gc.SafePointManager}: a TTL of 0 or less
 * removes the service; a safe point below the current minimum (or below the GC safe point) is
 * refused, the caller learning the minimum instead. Safe points are unsigned 64-bit TSOs.
 */
final class GcSafePoints {
    static final String SAFE_POINT = "pd/gc/safe_point";
    static final String SERVICE_PREFIX = "pd/gc/service/";

    private final MetaStore store;
    private final Clock clock;
    private long gcSafePoint;
    private final Map<ByteString, Service> services = new HashMap<>();

    /** One service's hold on GC: until Unix second {@code expireAt} (inclusive), at {@code safePoint}. */
    record Service(ByteString id, long expireAt, long safePoint) {
    }

    /**
     * The answer to a service update.
     *
     * @param minSafePoint the smallest live service safe point after the update (the GC safe
     *                     point when no service holds one)
     * @param ttl          the seconds the caller's safe point is now kept; 0 when it was removed or refused
     */
    record ServiceUpdate(long minSafePoint, long ttl) {
    }

    private GcSafePoints(MetaStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    static GcSafePoints open(MetaStore store, Clock clock) {
        GcSafePoints gc = new GcSafePoints(store, clock);
        gc.gcSafePoint = store.getLong(SAFE_POINT).orElse(0);
        int prefixLength = SERVICE_PREFIX.length();
        for (MetaStore.Entry e : store.scan(SERVICE_PREFIX)) {
            ByteString id = ByteString.copyFrom(e.name(), prefixLength, e.name().length - prefixLength);
            if (e.value().length != 2 * Long.BYTES) {
                throw new IllegalStateException("PD service safe point record for '" + id.toString(StandardCharsets.UTF_8)
                        + "' is corrupt: " + e.value().length + " bytes");
            }
            ByteBuffer value = ByteBuffer.wrap(e.value());
            gc.services.put(id, new Service(id, value.getLong(), value.getLong()));
        }
        return gc;
    }

    synchronized long gcSafePoint() {
        return gcSafePoint;
    }

    /** Moves the GC safe point to {@code safePoint} if that is forward; returns the safe point now in force. */
    synchronized long updateGcSafePoint(long safePoint) {
        if (Long.compareUnsigned(safePoint, gcSafePoint) > 0) {
            store.putLong(SAFE_POINT, safePoint, WriteOptions.SYNC);
            gcSafePoint = safePoint;
        }
        return gcSafePoint;
    }

    /** Sets, refreshes or (ttl <= 0) removes the safe point of service {@code id}. */
    synchronized ServiceUpdate updateService(ByteString id, long ttl, long safePoint) {
        long now = clock.millis() / 1000;
        try (MetaStore.Batch batch = store.batch()) {
            pruneExpired(now, batch);
            if (ttl <= 0) {
                if (services.remove(id) != null) {
                    batch.delete(serviceName(id));
                }
                batch.commit(WriteOptions.SYNC);
                return new ServiceUpdate(minLocked(), 0);
            }
            long min = minLocked();
            if (Long.compareUnsigned(safePoint, min) < 0) {
                batch.commit(WriteOptions.SYNC);
                return new ServiceUpdate(min, 0);
            }
            long expireAt = ttl > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ttl;
            Service service = new Service(id, expireAt, safePoint);
            batch.put(serviceName(id), ByteBuffer.allocate(2 * Long.BYTES).putLong(expireAt).putLong(safePoint).array());
            batch.commit(WriteOptions.SYNC);
            services.put(id, service);
            return new ServiceUpdate(minLocked(), ttl);
        }
    }

    /** The smallest safe point a live service holds, if any does. */
    synchronized java.util.OptionalLong minServiceSafePoint() {
        List<Service> live = services();
        return live.isEmpty() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(live.get(0).safePoint());
    }

    /** The live service safe points, smallest first. */
    synchronized List<Service> services() {
        long now = clock.millis() / 1000;
        List<Service> live = new ArrayList<>();
        for (Service s : services.values()) {
            if (s.expireAt() >= now) {
                live.add(s);
            }
        }
        live.sort((a, b) -> Long.compareUnsigned(a.safePoint(), b.safePoint()));
        return live;
    }

    private void pruneExpired(long now, MetaStore.Batch batch) {
        services.values().removeIf(s -> {
            boolean expired = s.expireAt() < now;
            if (expired) {
                batch.delete(serviceName(s.id()));
            }
            return expired;
        });
    }

    /**
     * The smallest safe point any live service holds, but never below the GC safe point (a
     * service cannot protect what may already be collected); the GC safe point when none does.
     */
    private long minLocked() {
        long min = -1L; // the largest unsigned value
        boolean any = false;
        for (Service s : services.values()) {
            if (Long.compareUnsigned(s.safePoint(), min) <= 0) {
                min = s.safePoint();
                any = true;
            }
        }
        if (!any || Long.compareUnsigned(min, gcSafePoint) < 0) {
            return gcSafePoint;
        }
        return min;
    }

    private static byte[] serviceName(ByteString id) {
        byte[] prefix = SERVICE_PREFIX.getBytes(StandardCharsets.UTF_8);
        byte[] name = new byte[prefix.length + id.size()];
        System.arraycopy(prefix, 0, name, 0, prefix.length);
        id.copyTo(name, prefix.length);
        return name;
    }
}
