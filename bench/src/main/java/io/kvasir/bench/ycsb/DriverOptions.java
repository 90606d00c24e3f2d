package io.kvasir.bench.ycsb;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The driver's command line, parsed and checked. Build one in tests with {@link #builder()}. */
final class DriverOptions {

    static final String USAGE = """
            Usage: YcsbDriver --pd HOST:PORT [options]
              YCSB-style load driver for a running Kvasir (or TiKV) cluster, through tikv-client-java's RawKVClient.

              --pd HOST:PORT          PD address (required)
              --workload LIST         comma list of load, A, B, C, E, run in that order (default A).
                                      load: batchPut every record, 256 per call; it runs once, before the first
                                      of A/B/C/E, unless --skip-load. A: 50% read/50% update, B: 95/5,
                                      C: 100% read, E: 95% scan/5% insert of new records.
              --skip-load             do not load before A/B/C/E (the records are already there)
              --records N             records in the key space (default 100000); keys are "user" + the record
                                      number in 12 zero-padded digits, 16 bytes
              --value-size BYTES      value size (default 100); values are random bytes
              --distribution D        uniform or zipfian (default zipfian: theta 0.99, hot records scattered)
              --threads N             closed-loop worker threads, one operation at a time each (default 16)
              --duration SECONDS      measured time per workload (default 30)
              --warmup SECONDS        unmeasured time before it (default 5)
              --scan-length N         E scans 1..N records, uniform (default 100, at most 10240)
              --seed S                thread i draws from seed S+i (default 1)
              --split-regions N       before anything, split the record range into N regions of equal
                                      record counts with the client's SplitRegion (default 0: no split)
              --connect-timeout SECONDS  how long to wait for the cluster to answer a probe (default 60)
              --out FILE.md           append the results as markdown
              --label TEXT            name of the run in the report
              --help                  this text

              The measured window of each workload is --duration seconds after --warmup seconds. Client
              settings can be changed with JVM properties, e.g. -Dtikv.grpc.timeout_in_ms=500.
            """;

    final String pd;
    final List<Workload> workloads;
    final boolean skipLoad;
    final long records;
    final int valueSize;
    final Distribution distribution;
    final int threads;
    final double durationSeconds;
    final double warmupSeconds;
    final int scanLength;
    final long seed;
    final int splitRegions;
    final double connectTimeoutSeconds;
    final Path out;
    final String label;

    private DriverOptions(Builder b) {
        pd = b.pd;
        workloads = List.copyOf(b.workloads);
        skipLoad = b.skipLoad;
        records = b.records;
        valueSize = b.valueSize;
        distribution = b.distribution;
        threads = b.threads;
        durationSeconds = b.durationSeconds;
        warmupSeconds = b.warmupSeconds;
        scanLength = b.scanLength;
        seed = b.seed;
        splitRegions = b.splitRegions;
        connectTimeoutSeconds = b.connectTimeoutSeconds;
        out = b.out;
        label = b.label;
        check();
    }

    static Builder builder() {
        return new Builder();
    }

    static boolean wantsHelp(String[] args) {
        return args.length == 0 || Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
    }

    /** Parses {@code --name value} or {@code --name=value} arguments. */
    static DriverOptions parse(String[] args) {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--skip-load")) {
                b.skipLoad(true);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            apply(b, name, value);
        }
        return b.build();
    }

    private static void apply(Builder b, String name, String value) {
        switch (name) {
            case "--pd" -> b.pd(value);
            case "--workload" -> b.workloads(Arrays.stream(value.split(",")).filter(s -> !s.isBlank())
                    .map(Workload::parse).toList());
            case "--records" -> b.records(parseLong(name, value));
            case "--value-size" -> b.valueSize((int) parseLong(name, value));
            case "--distribution" -> b.distribution(Distribution.parse(value));
            case "--threads" -> b.threads((int) parseLong(name, value));
            case "--duration" -> b.durationSeconds(parseDouble(name, value));
            case "--warmup" -> b.warmupSeconds(parseDouble(name, value));
            case "--scan-length" -> b.scanLength((int) parseLong(name, value));
            case "--seed" -> b.seed(parseLong(name, value));
            case "--split-regions" -> b.splitRegions((int) parseLong(name, value));
            case "--connect-timeout" -> b.connectTimeoutSeconds(parseDouble(name, value));
            case "--out" -> b.out(Path.of(value));
            case "--label" -> b.label(value);
            default -> throw new IllegalArgumentException("unknown option " + name);
        }
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a whole number, got '" + value + "'", e);
        }
    }

    private static double parseDouble(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number, got '" + value + "'", e);
        }
    }

    private void check() {
        require(pd != null && !pd.isBlank(), "--pd HOST:PORT is required");
        require(!workloads.isEmpty(), "--workload lists no workload");
        require(records >= 1 && records < KeySpace.MAX_RECORDS / 2,
                "--records " + records + " is outside [1, " + KeySpace.MAX_RECORDS / 2 + ")");
        require(valueSize >= 1 && valueSize <= 64 << 20, "--value-size " + valueSize + " is outside [1, 64 MiB]");
        require(threads >= 1 && threads <= 4096, "--threads " + threads + " is outside [1, 4096]");
        require(durationSeconds > 0, "--duration must be positive");
        require(warmupSeconds >= 0, "--warmup must not be negative");
        // RawKVClient refuses limits above 10240 (CLIENT-NEEDS section 6).
        require(scanLength >= 1 && scanLength <= 10240, "--scan-length " + scanLength + " is outside [1, 10240]");
        require(connectTimeoutSeconds >= 0, "--connect-timeout must not be negative");
        require(splitRegions >= 0 && splitRegions <= Math.min(records, 100_000),
                "--split-regions " + splitRegions + " is outside [0, min(records, 100000)]");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The phases to run in order: the load first (once) if asked for or if a transaction workload
     * runs without {@code --skip-load}, then the transaction workloads in the order given.
     */
    List<Workload> phases() {
        List<Workload> phases = new ArrayList<>();
        boolean transactions = workloads.stream().anyMatch(w -> w != Workload.LOAD);
        if (workloads.contains(Workload.LOAD) || (transactions && !skipLoad)) {
            phases.add(Workload.LOAD);
        }
        workloads.stream().filter(w -> w != Workload.LOAD).forEach(phases::add);
        return phases;
    }

    long durationNanos() {
        return (long) (durationSeconds * 1e9);
    }

    long warmupNanos() {
        return (long) (warmupSeconds * 1e9);
    }

    /** The parameters as report lines, {@code name: value}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("pd: " + pd);
        lines.add("workloads: " + String.join(",", phases().stream().map(Workload::label).toList())
                + (skipLoad ? " (--skip-load)" : ""));
        lines.add("records: " + records + " (16-byte keys)");
        if (splitRegions > 1) {
            lines.add("regions: records split into " + splitRegions + " before the run");
        }
        lines.add("value size: " + valueSize + " B");
        lines.add("distribution: " + distribution.label());
        lines.add("threads: " + threads);
        lines.add(String.format(Locale.ROOT, "duration: %s s measured after %s s warm-up", trim(durationSeconds),
                trim(warmupSeconds)));
        lines.add("scan length (E): uniform 1.." + scanLength);
        lines.add("seed: " + seed);
        return lines;
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    /** Fluent builder; defaults are the command line's. */
    static final class Builder {
        private String pd;
        private List<Workload> workloads = List.of(Workload.A);
        private boolean skipLoad;
        private long records = 100_000;
        private int valueSize = 100;
        private Distribution distribution = Distribution.ZIPFIAN;
        private int threads = 16;
        private double durationSeconds = 30;
        private double warmupSeconds = 5;
        private int scanLength = 100;
        private long seed = 1;
        private int splitRegions;
        private double connectTimeoutSeconds = 60;
        private Path out;
        private String label = "";

        private Builder() {
        }

        Builder pd(String v) {
            pd = v;
            return this;
        }

        Builder workloads(List<Workload> v) {
            workloads = v;
            return this;
        }

        Builder workloads(Workload... v) {
            return workloads(List.of(v));
        }

        Builder skipLoad(boolean v) {
            skipLoad = v;
            return this;
        }

        Builder records(long v) {
            records = v;
            return this;
        }

        Builder valueSize(int v) {
            valueSize = v;
            return this;
        }

        Builder distribution(Distribution v) {
            distribution = v;
            return this;
        }

        Builder threads(int v) {
            threads = v;
            return this;
        }

        Builder durationSeconds(double v) {
            durationSeconds = v;
            return this;
        }

        Builder warmupSeconds(double v) {
            warmupSeconds = v;
            return this;
        }

        Builder scanLength(int v) {
            scanLength = v;
            return this;
        }

        Builder splitRegions(int v) {
            splitRegions = v;
            return this;
        }

        Builder seed(long v) {
            seed = v;
            return this;
        }

        Builder connectTimeoutSeconds(double v) {
            connectTimeoutSeconds = v;
            return this;
        }

        Builder out(Path v) {
            out = v;
            return this;
        }

        Builder label(String v) {
            label = v;
            return this;
        }

        DriverOptions build() {
            return new DriverOptions(this);
        }
    }
}
