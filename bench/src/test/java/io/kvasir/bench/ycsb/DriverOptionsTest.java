package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriverOptionsTest {

    @Test
    void parsesEveryOption() {
        DriverOptions o = DriverOptions.parse(new String[] {
            "--pd", "127.0.0.1:2379", "--workload", "a,C,e", "--records", "5000", "--value-size", "1024",
            "--distribution", "uniform", "--threads", "4", "--duration", "2.5", "--warmup=0", "--scan-length", "50",
            "--seed", "7", "--out", "results/x.md", "--label", "laptop run", "--skip-load", "--connect-timeout", "3",
        });
        assertEquals("127.0.0.1:2379", o.pd);
        assertEquals(List.of(Workload.A, Workload.C, Workload.E), o.workloads);
        assertEquals(5000, o.records);
        assertEquals(1024, o.valueSize);
        assertEquals(Distribution.UNIFORM, o.distribution);
        assertEquals(4, o.threads);
        assertEquals(2_500_000_000L, o.durationNanos());
        assertEquals(0, o.warmupNanos());
        assertEquals(50, o.scanLength);
        assertEquals(7, o.seed);
        assertEquals(Path.of("results/x.md"), o.out);
        assertEquals("laptop run", o.label);
        assertTrue(o.skipLoad);
        assertEquals(3.0, o.connectTimeoutSeconds);
    }

    @Test
    void splitRegionsIsOffUnlessAsked() {
        assertEquals(0, DriverOptions.parse(new String[] {"--pd", "h:1"}).splitRegions);
        DriverOptions o = DriverOptions.parse(new String[] {"--pd", "h:1", "--split-regions", "24"});
        assertEquals(24, o.splitRegions);
        assertTrue(o.describe().contains("regions: records split into 24 before the run"), o.describe().toString());
    }

    @Test
    void defaults() {
        DriverOptions o = DriverOptions.parse(new String[] {"--pd", "h:1"});
        assertEquals(List.of(Workload.A), o.workloads);
        assertEquals(100_000, o.records);
        assertEquals(100, o.valueSize);
        assertEquals(Distribution.ZIPFIAN, o.distribution);
        assertEquals(16, o.threads);
        assertEquals(30_000_000_000L, o.durationNanos());
        assertEquals(5_000_000_000L, o.warmupNanos());
        assertEquals(100, o.scanLength);
        assertEquals(1, o.seed);
        assertNull(o.out);
        assertFalse(o.skipLoad);
    }

    @Test
    void theLoadRunsOnceAndFirst() {
        assertEquals(List.of(Workload.LOAD, Workload.A, Workload.C), phases("A,C"));
        assertEquals(List.of(Workload.LOAD, Workload.C, Workload.A), phases("C,load,A"));
        assertEquals(List.of(Workload.LOAD), phases("load"));
        assertEquals(List.of(Workload.A, Workload.C), phases("A,C", "--skip-load"));
        assertEquals(List.of(Workload.LOAD, Workload.E), phases("load,E", "--skip-load"));
    }

    @Test
    void refusesBadCommandLines() {
        assertMessage("--pd HOST:PORT is required", "--workload", "A");
        assertMessage("--split-regions 11 is outside [0, min(records, 100000)]", "--pd", "h:1", "--records", "10",
                "--split-regions", "11");
        assertMessage("unknown option --nope", "--pd", "h:1", "--nope", "1");
        assertMessage("--threads needs a value", "--pd", "h:1", "--threads");
        assertMessage("--records expects a whole number, got 'many'", "--pd", "h:1", "--records", "many");
        assertMessage("unknown workload 'D' (expected load, A, B, C, E or W)", "--pd", "h:1", "--workload", "A,D");
        assertMessage("unknown distribution 'latest' (expected uniform or zipfian)",
                "--pd", "h:1", "--distribution", "latest");
        assertMessage("--scan-length 20000 is outside [1, 10240]", "--pd", "h:1", "--scan-length", "20000");
        assertMessage("--threads 0 is outside [1, 4096]", "--pd", "h:1", "--threads", "0");
        assertMessage("--duration must be positive", "--pd", "h:1", "--duration", "0");
    }

    @Test
    void helpIsAskedForByFlagOrNoArguments() {
        assertTrue(DriverOptions.wantsHelp(new String[0]));
        assertTrue(DriverOptions.wantsHelp(new String[] {"--pd", "h:1", "--help"}));
        assertFalse(DriverOptions.wantsHelp(new String[] {"--pd", "h:1"}));
        assertTrue(DriverOptions.USAGE.contains("--scan-length"));
    }

    @Test
    void describesTheParametersForTheReport() {
        DriverOptions o = DriverOptions.builder().pd("h:1").workloads(Workload.A, Workload.E).records(1000)
                .valueSize(1024).distribution(Distribution.UNIFORM).threads(8).durationSeconds(30).warmupSeconds(2.5)
                .build();
        assertEquals(List.of("pd: h:1", "workloads: load,A,E", "records: 1000 (16-byte keys)", "value size: 1024 B",
                "distribution: uniform", "threads: 8", "duration: 30 s measured after 2.5 s warm-up",
                "scan length (E): uniform 1..100", "seed: 1"), o.describe());
    }

    private static List<Workload> phases(String workloads, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "--pd";
        args[1] = "h:1";
        args[2] = "--workload";
        args[3] = workloads;
        System.arraycopy(more, 0, args, 4, more.length);
        return DriverOptions.parse(args).phases();
    }

    private static void assertMessage(String message, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriverOptions.parse(args));
        assertEquals(message, e.getMessage());
    }
}
