package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.ErrorLog;
import io.kvasir.bench.ycsb.KeySpace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code TxnBench burst}: one sustained write burst ({@link BurstRunner}) against a running
 * cluster, its timeline saved as a {@link BurstSeries} file; with {@code --engine-logs}, also
 * the stalls RocksDB logged meanwhile ({@link EngineLogScan}: the playground's data directory).
 */
final class BurstCommand {

    static final String USAGE = """
              burst --pd HOST:PORT --series FILE [options]   a sustained burst of 1-key transactional writes
                --label TEXT            what the cluster is, e.g. "flow control on"
                --threads N             closed-loop writers (default 64)
                --duration S            length of the burst (default 60)
                --warmup S              the same burst first, unmeasured, so both runs start from a loaded engine (default 0)
                --drain S               how long to wait afterwards for writes still in flight (default 30)
                --keys N                keys written at random (default 100000)
                --value-size BYTES      random, incompressible values (default 4096)
                --stall-ms MS           a second in which a write has waited longer counts as stalled (default 1000)
                --seed S                (default 1)
                --engine-logs DIR       the playground's data directory: count RocksDB's logged write stalls
            """;

    private static final Set<String> FLAGS = Set.of("pd", "series", "label", "threads", "duration", "warmup", "drain", "keys",
            "value-size", "stall-ms", "seed", "engine-logs");
    /** Long: a stall should show as latency, not as a retried request. */
    private static final long RPC_MILLIS = 60_000;
    private static final long COMMAND_DEADLINE_MILLIS = 120_000;
    private static final long LOCK_TTL_MILLIS = 3_000;

    private BurstCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Flags f = Flags.parse(args, FLAGS);
        String pdAddress = f.required("pd");
        Path series = Path.of(f.required("series"));
        String label = f.string("label", "burst");
        int threads = f.integer("threads", 64, 1);
        double seconds = f.number("duration", 60, 1);
        double warmup = f.number("warmup", 0, 0);
        double drain = f.number("drain", 30, 0);
        long keys = f.number("keys", 100_000, 1);
        int valueSize = f.integer("value-size", 4096, 1);
        long stallMillis = f.number("stall-ms", 1000, 1);
        long seed = f.number("seed", 1, Long.MIN_VALUE);
        Path engineLogs = f.path("engine-logs");

        ErrorLog errors = new ErrorLog(8, err::println);
        EngineLogScan.Stalls before;
        LatencyTimeline timeline;
        Map<AbortCause, Long> failures;
        try (Cluster cluster = Cluster.open(pdAddress, RPC_MILLIS, COMMAND_DEADLINE_MILLIS, 60_000)) {
            BlindWrite writer = new BlindWrite(cluster.rpc, cluster.tso, LOCK_TTL_MILLIS);
            writer.write(KeySpace.key(0), new byte[valueSize]); // the cluster serves
            if (warmup > 0) {
                // A fresh cluster's first seconds (cold JIT, empty engine) would otherwise weigh on
                // whichever run they hurt most; both runs are measured from a loaded engine instead.
                out.printf(Locale.ROOT, "warming up (%s): %.0f s of the same burst, not measured%n", label, warmup);
                new BurstRunner(writer, System::nanoTime, new ErrorLog(8, err::println), line -> { })
                        .run(threads, warmup, drain, keys, valueSize, seed + 1, stallMillis * 1_000_000);
            }
            before = engineLogs == null ? null : EngineLogScan.scan(engineLogs);
            out.printf(Locale.ROOT, "burst (%s): %d threads, %d B values over %d keys, %.0f s%n", label, threads, valueSize,
                    keys, seconds);
            BurstRunner runner = new BurstRunner(writer, System::nanoTime, errors, out::println);
            timeline = runner.run(threads, seconds, drain, keys, valueSize, seed, stallMillis * 1_000_000);
            failures = runner.failures();
        }
        Map<String, String> facts = facts(label, threads, seconds, keys, valueSize, timeline);
        facts.put("warmup-seconds", String.format(Locale.ROOT, "%.0f", warmup));
        if (engineLogs != null) {
            EngineLogScan.Stalls after = EngineLogScan.scan(engineLogs);
            facts.put("engine-slowdown-lines", String.valueOf(after.total("slowdown") - before.total("slowdown")));
            facts.put("engine-stop-lines", String.valueOf(after.total("stop") - before.total("stop")));
            facts.put("engine-stalls", after.describe());
        } else {
            facts.put("engine-slowdown-lines", "n/a");
            facts.put("engine-stop-lines", "n/a");
            facts.put("engine-stalls", "not scanned");
        }
        facts.put("failed-by-cause", failures.isEmpty() ? "none" : describe(failures));
        List<String> errorLines = errors.summary();
        facts.put("errors", errorLines.isEmpty() ? "none" : String.join(" | ", errorLines));
        new BurstSeries(facts, timeline.seconds()).write(series);
        facts.forEach((k, v) -> out.println("  " + k + ": " + v));
        out.println("wrote " + series);
        return 0;
    }

    /** "key locked 3, write conflict 1". */
    static String describe(Map<AbortCause, Long> failures) {
        StringBuilder sb = new StringBuilder();
        failures.forEach((c, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(c.label()).append(' ').append(n));
        return sb.toString();
    }

    static Map<String, String> facts(String label, int threads, double seconds, long keys, int valueSize,
            LatencyTimeline t) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("label", label);
        facts.put("threads", String.valueOf(threads));
        facts.put("value-size", String.valueOf(valueSize));
        facts.put("keys", String.valueOf(keys));
        facts.put("seconds", String.format(Locale.ROOT, "%.0f", seconds));
        facts.put("writes", String.valueOf(t.succeeded()));
        facts.put("writes-per-second", String.format(Locale.ROOT, "%.0f", t.succeeded() / seconds));
        facts.put("failed", String.valueOf(t.failed()));
        facts.put("unfinished", String.valueOf(t.unfinished()));
        facts.put("p50-ms", MixReport.ms(t.percentileNanos(50)));
        facts.put("p99-ms", MixReport.ms(t.percentileNanos(99)));
        facts.put("max-ms", MixReport.ms(t.maxNanos()));
        List<LatencyTimeline.Second> all = t.seconds();
        long worst = all.stream().mapToLong(LatencyTimeline.Second::p99Nanos).max().orElse(0);
        facts.put("worst-second-p99-ms", MixReport.ms(worst));
        facts.put("stalled-seconds", String.valueOf(t.stalledSeconds()));
        long idle = all.stream().filter(s -> s.index() < seconds && s.writes() == 0).count()
                + Math.max(0, (long) seconds - all.size());
        facts.put("idle-seconds", String.valueOf(idle));
        return facts;
    }
}
