package io.kvasir.server;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Exports the facade's requests on the node's {@code /metrics} under TiKV's metric names, so the
 * dashboards and alerts written for TiKV read them: {@code tikv_grpc_msg_duration_seconds} (a
 * histogram by request type) and {@code tikv_grpc_msg_fail_total} (by type and kind of failure).
 */
final class PrometheusSink implements RequestMetrics.Sink, AutoCloseable {
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry;
    private final Histogram duration;
    private final Counter failures;

    PrometheusSink(PrometheusRegistry registry) {
        this.registry = registry;
        double[] bounds = new double[RequestMetrics.BUCKET_BOUNDS_NANOS.length];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = RequestMetrics.BUCKET_BOUNDS_NANOS[i] / NANOS_PER_SECOND;
        }
        duration = Histogram.builder()
                .name("tikv_grpc_msg_duration_seconds")
                .help("Time from receiving a gRPC request to having its answer, by request type")
                .labelNames("type")
                .classicOnly()
                .classicUpperBounds(bounds)
                .register(registry);
        failures = Counter.builder()
                .name("tikv_grpc_msg_fail_total")
                .help("gRPC requests answered with a region error or an error, by request type")
                .labelNames("type", "kind")
                .register(registry);
    }

    @Override
    public void record(Command command, RequestMetrics.Outcome outcome, long elapsedNanos) {
        duration.labelValues(command.label()).observe(elapsedNanos / NANOS_PER_SECOND);
        if (outcome != RequestMetrics.Outcome.OK) {
            failures.labelValues(command.label(), outcome == RequestMetrics.Outcome.REGION_ERROR ? "region_error" : "error").inc();
        }
    }

    @Override
    public void close() {
        registry.unregister(duration);
        registry.unregister(failures);
    }
}
