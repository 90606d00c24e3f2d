package io.kvasir.txn.sched;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Exports what flow control does on the node's {@code /metrics}: the engine's pressure as it
 * sees it (0 while the engine keeps up, 1 at its own slowdown point), the byte rate writes are
 * held to (no sample while they are not held), and how many write commands it delayed.
 */
public final class FlowMetrics implements AutoCloseable {
    private final PrometheusRegistry registry;
    private final GaugeWithCallback pressure;
    private final GaugeWithCallback limit;
    private final GaugeWithCallback delayed;

    public FlowMetrics(PrometheusRegistry registry, FlowController flow) {
        this.registry = registry;
        pressure = GaugeWithCallback.builder()
                .name("kvasir_flow_control_pressure")
                .help("How close the engine is to slowing writes itself: 0 while it keeps up, 1 at its slowdown point")
                .callback(cb -> cb.call(flow.pressure()))
                .register(registry);
        limit = GaugeWithCallback.builder()
                .name("kvasir_flow_control_limit_bytes_per_second")
                .help("The byte rate write commands are held to; absent while they are not held")
                .callback(cb -> {
                    double bytesPerSecond = flow.limitBytesPerSecond();
                    if (bytesPerSecond != Double.POSITIVE_INFINITY) {
                        cb.call(bytesPerSecond);
                    }
                })
                .register(registry);
        delayed = GaugeWithCallback.builder()
                .name("kvasir_flow_control_delayed_commands")
                .help("Write commands flow control delayed since the store started")
                .callback(cb -> cb.call(flow.delayedCommands()))
                .register(registry);
    }

    @Override
    public void close() {
        registry.unregister(pressure);
        registry.unregister(limit);
        registry.unregister(delayed);
    }
}
