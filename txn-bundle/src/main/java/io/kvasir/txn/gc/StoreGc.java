package io.kvasir.txn.gc;

import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.TxnStorage;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/** A store's GC, running: its worker, the client it settles transactions with, and its metrics. */
public final class StoreGc implements AutoCloseable {
    /** How long one KvCheckTxnStatus to a primary's store may take. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    private final GcWorker worker;
    private final RemoteTxnFates fates;
    private final GcMetrics metrics;

    private StoreGc(GcWorker worker, RemoteTxnFates fates, GcMetrics metrics) {
        this.worker = worker;
        this.fates = fates;
        this.metrics = metrics;
    }

    /**
     * Starts polling PD every {@code interval}.
     *
     * @param registry where progress is exported, or null to export nothing
     */
    public static StoreGc start(RegionStore regions, TxnStorage storage, ClusterDirectory directory,
            PrometheusRegistry registry, Duration interval) {
        GcProgress progress = new GcProgress();
        RemoteTxnFates fates = new RemoteTxnFates(directory, SETTLE_TIMEOUT);
        GcWorker worker = new GcWorker(regions, storage, directory::gcSafePoint, fates, progress);
        GcMetrics metrics = registry == null ? null : new GcMetrics(registry, progress);
        worker.start(interval);
        return new StoreGc(worker, fates, metrics);
    }

    @Override
    public void close() {
        worker.close();
        fates.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
