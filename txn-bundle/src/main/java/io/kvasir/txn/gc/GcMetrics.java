package io.kvasir.txn.gc;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/**
 * Exports the store's GC progress on the node's {@code /metrics}: the safe point it works towards
 * under TiKV's name ({@code tikv_gcworker_autogc_safe_point}), how many led regions are collected
 * up to it, each led region's own collected safe point, and the locks GC resolved.
 */
public final class GcMetrics implements AutoCloseable {
    private final PrometheusRegistry registry;
    private final GaugeWithCallback safePoint;
    private final GaugeWithCallback regionsCollected;
    private final GaugeWithCallback regionSafePoints;
    private final GaugeWithCallback locksResolved;

    public GcMetrics(PrometheusRegistry registry, GcProgress progress) {
        this.registry = registry;
        safePoint = GaugeWithCallback.builder()
                .name("tikv_gcworker_autogc_safe_point")
                .help("The GC safe point this store's GC worker works towards (a TSO)")
                .callback(cb -> cb.call(progress.targetSafePoint()))
                .register(registry);
        regionsCollected = GaugeWithCallback.builder()
                .name("kvasir_gc_regions_collected")
                .help("Regions this store leads that are collected up to the GC safe point")
                .callback(cb -> {
                    long target = progress.targetSafePoint();
                    cb.call(progress.regionSafePoints().values().stream().filter(v -> v == target).count());
                })
                .register(registry);
        regionSafePoints = GaugeWithCallback.builder()
                .name("kvasir_gc_region_safe_point")
                .help("The safe point each region this store leads was last collected up to (a TSO)")
                .labelNames("region")
                .callback(cb -> {
                    for (Map.Entry<Long, Long> e : progress.regionSafePoints().entrySet()) {
                        cb.call(e.getValue(), Long.toString(e.getKey()));
                    }
                })
                .register(registry);
        locksResolved = GaugeWithCallback.builder()
                .name("kvasir_gc_locks_resolved")
                .help("Locks older than the safe point that GC resolved since the store started")
                .callback(cb -> cb.call(progress.locksResolved()))
                .register(registry);
    }

    @Override
    public void close() {
        registry.unregister(safePoint);
        registry.unregister(regionsCollected);
        registry.unregister(regionSafePoints);
        registry.unregister(locksResolved);
    }
}
