package io.kvasir.txn.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.engine.api.EngineStats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowMetricsTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicReference<EngineStats> stats = new AtomicReference<>(level0(3));
    private final FlowController flow = new FlowController(stats::get, nanos::get, 100, 400, timer, Runnable::run);
    private final PrometheusRegistry registry = new PrometheusRegistry();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static EngineStats level0(long files) {
        return new EngineStats(0, 0, 0, 64L << 30, 256L << 30, files, 4, 20, 36, 0, 5, 0, 0);
    }

    /** The values of the gauge called {@code name}, as a scrape of the registry shows them. */
    private List<Double> gauge(String name) {
        for (MetricSnapshot m : registry.scrape()) {
            if (m.getMetadata().getName().equals(name)) {
                return ((GaugeSnapshot) m).getDataPoints().stream().map(GaugeSnapshot.GaugeDataPointSnapshot::getValue).toList();
            }
        }
        return null;
    }

    @Test
    void pressureTheHeldRateAndDelayedCommandsAreExportedAndGoAwayOnClose() {
        try (FlowMetrics metrics = new FlowMetrics(registry, flow)) {
            flow.delayNanos();
            assertEquals(List.of(0.0), gauge("kvasir_flow_control_pressure"));
            assertEquals(List.of(), gauge("kvasir_flow_control_limit_bytes_per_second"), "no limit while writes are not held");
            assertEquals(List.of(0.0), gauge("kvasir_flow_control_delayed_commands"));

            stats.set(level0(20));
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
            flow.delayNanos();
            flow.charge(1 << 20);
            assertFalse(flow.admit().isDone());
            assertEquals(List.of(1.0), gauge("kvasir_flow_control_pressure"));
            assertEquals(List.of(FlowController.MIN_RATE), gauge("kvasir_flow_control_limit_bytes_per_second"), "the floor");
            assertEquals(List.of(1.0), gauge("kvasir_flow_control_delayed_commands"));
        }
        assertTrue(registry.scrape().size() == 0, "unregistered on close");
    }
}
