package io.kvasir.raft.store;

import io.kvasir.raft.store.peer.PeerDriverStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * The store's Raft work on the node's {@code /metrics}: how many log writes were synced for how
 * many proposals (the group-commit effect), how reads were served (lease or ReadIndex) and how
 * many regions the store holds and leads. Read from the running store when scraped; nothing is
 * counted twice. Kvasir's own names (prefix {@code kvasir_raftstore_}), since TiKV's histograms
 * for the same things do not map one to one.
 */
final class StoreMetrics implements AutoCloseable {

    /** What the metrics read, from whichever store runs now. */
    record Sample(PeerDriverStats driver, long leaseReads, long readIndexReads, int regions, int leaders) {
        static final Sample EMPTY = new Sample(new PeerDriverStats(0, 0, 0, 0, 0), 0, 0, 0, 0);
    }

    private final PrometheusRegistry registry;
    private final CounterWithCallback writes;
    private final CounterWithCallback proposals;
    private final CounterWithCallback reads;
    private final GaugeWithCallback regions;

    StoreMetrics(PrometheusRegistry registry, Supplier<Sample> sample) {
        this.registry = registry;
        this.writes = CounterWithCallback.builder()
                .name("kvasir_raftstore_log_writes_total")
                .help("Batches of Raft log writes, by whether they were synced (one fsync covers every region's proposals of a pass)")
                .labelNames("synced")
                .callback(cb -> {
                    PeerDriverStats s = sample.get().driver();
                    cb.call(s.syncedWrites(), "true");
                    cb.call(s.raftWrites() - s.syncedWrites(), "false");
                })
                .register(registry);
        this.proposals = CounterWithCallback.builder()
                .name("kvasir_raftstore_proposals_total")
                .help("Proposals the Raft groups of this store took as leader")
                .callback(cb -> cb.call(sample.get().driver().proposals()))
                .register(registry);
        this.reads = CounterWithCallback.builder()
                .name("kvasir_raftstore_reads_total")
                .help("Reads by how leadership was confirmed: lease (local, no Raft round) or read_index")
                .labelNames("path")
                .callback(cb -> {
                    Sample s = sample.get();
                    cb.call(s.leaseReads(), "lease");
                    cb.call(s.readIndexReads(), "read_index");
                })
                .register(registry);
        this.regions = GaugeWithCallback.builder()
                .name("kvasir_raftstore_regions")
                .help("Regions with a peer on this store, and those it leads")
                .labelNames("type")
                .callback(cb -> {
                    Sample s = sample.get();
                    cb.call(s.regions(), "all");
                    cb.call(s.leaders(), "leader");
                })
                .register(registry);
    }

    @Override
    public void close() {
        registry.unregister(writes);
        registry.unregister(proposals);
        registry.unregister(reads);
        registry.unregister(regions);
    }
}
