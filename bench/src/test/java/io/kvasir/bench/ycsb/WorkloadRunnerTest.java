package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadRunnerTest {

    /** Advances one microsecond per reading, so runs end after a fixed number of clock reads. */
    private static LongSupplier tickingClock() {
        AtomicLong now = new AtomicLong();
        return () -> now.addAndGet(1_000);
    }

    private static DriverOptions.Builder options() {
        return DriverOptions.builder().pd("unused:1").records(1000).valueSize(16).threads(1)
                .warmupSeconds(0.002).durationSeconds(0.01).seed(3);
    }

    private static WorkloadRunner runner(RawKv kv, DriverOptions o, List<String> errorLines) {
        return new WorkloadRunner(kv, o, tickingClock(), new ErrorLog(5, errorLines::add), line -> { });
    }

    @Test
    void loadWritesEveryRecordInBatchesOf256() {
        InMemoryRawKv kv = new InMemoryRawKv();
        DriverOptions o = options().records(1000).threads(3).build();
        List<OpSummary> rows = runner(kv, o, new ArrayList<>()).run(Workload.LOAD);
        assertEquals(1000, kv.data.size());
        assertEquals(4, kv.calls.get());
        assertArrayEquals(KeySpace.key(0), kv.data.firstKey());
        assertArrayEquals(KeySpace.key(999), kv.data.lastKey());
        kv.data.values().forEach(v -> assertEquals(16, v.length));
        OpSummary load = rows.get(0);
        assertEquals(OpType.BATCH_PUT, load.op());
        assertEquals(4, load.count());
        assertEquals(1000, load.items());
        assertEquals(0, load.errors());
    }

    @Test
    void workloadAReadsAndUpdatesHalfAndHalfWithoutMisses() {
        InMemoryRawKv kv = new InMemoryRawKv();
        DriverOptions o = options().distribution(Distribution.ZIPFIAN).durationSeconds(0.1).build();
        WorkloadRunner runner = runner(kv, o, new ArrayList<>());
        runner.run(Workload.LOAD);
        Map<OpType, OpSummary> rows = byOp(runner.run(Workload.A));
        OpSummary read = rows.get(OpType.READ);
        OpSummary update = rows.get(OpType.UPDATE);
        long total = read.count() + update.count();
        assertTrue(total > 10_000, "measured " + total);
        assertEquals(0.5, read.count() / (double) total, 0.03);
        assertEquals(0, read.misses());
        assertEquals(0, read.errors() + update.errors());
        // Every measured op completed inside the 0.1 s window.
        assertEquals(total / 0.1, read.opsPerSecond() + update.opsPerSecond(), 1e-6);
        assertEquals(1000, kv.data.size(), "updates stay within the loaded records");
    }

    @Test
    void oneThreadWithTheSameSeedRepeatsExactly() {
        List<Long> first = counts(options().build(), Workload.B);
        List<Long> second = counts(options().build(), Workload.B);
        assertEquals(first, second);
        assertNotEquals(first, counts(options().seed(4).build(), Workload.B));
    }

    @Test
    void warmUpOperationsAreNotMeasured() {
        InMemoryRawKv kv = new InMemoryRawKv();
        DriverOptions o = options().records(100).warmupSeconds(0.05).durationSeconds(0.05).build();
        WorkloadRunner runner = runner(kv, o, new ArrayList<>());
        runner.run(Workload.LOAD);
        long before = kv.calls.get();
        long measured = runner.run(Workload.C).get(0).count();
        long issued = kv.calls.get() - before;
        assertEquals(0.5, measured / (double) issued, 0.01, measured + " of " + issued);
    }

    @Test
    void workloadEScansAndInsertsBeyondTheLoadedRecordsOnEveryThread() {
        InMemoryRawKv kv = new InMemoryRawKv();
        DriverOptions o = options().threads(4).scanLength(10).distribution(Distribution.UNIFORM).build();
        WorkloadRunner runner = runner(kv, o, new ArrayList<>());
        runner.run(Workload.LOAD);
        Map<OpType, OpSummary> rows = byOp(runner.run(Workload.E));
        OpSummary scan = rows.get(OpType.SCAN);
        assertTrue(scan.count() > 0 && rows.get(OpType.INSERT).count() > 0);
        double pairsPerScan = scan.items() / (double) scan.count();
        assertTrue(pairsPerScan > 4 && pairsPerScan <= 10, "pairs per scan " + pairsPerScan);
        long inserted = kv.data.size() - 1000;
        assertTrue(inserted > 0);
        for (byte[] key : kv.data.tailMap(KeySpace.key(1000)).keySet()) {
            long n = KeySpace.number(key);
            assertTrue(n >= 1000 && n < 1000 + 4 * inserted, "insert of record " + n);
        }
    }

    @Test
    void errorsAreCountedAndTheRunGoesOn() {
        InMemoryRawKv kv = new InMemoryRawKv(10);
        List<String> errorLines = new ArrayList<>();
        DriverOptions o = options().warmupSeconds(0).threads(2).build();
        WorkloadRunner runner = runner(kv, o, errorLines);
        List<OpSummary> load = runner.run(Workload.LOAD);
        assertEquals(0, load.get(0).errors(), "4 batches, no 10th call");
        Map<OpType, OpSummary> rows = byOp(runner.run(Workload.A));
        long errors = rows.get(OpType.READ).errors() + rows.get(OpType.UPDATE).errors();
        long ok = rows.get(OpType.READ).count() + rows.get(OpType.UPDATE).count();
        assertEquals(0.1, errors / (double) (errors + ok), 0.02);
        assertTrue(errorLines.stream().allMatch(l -> l.endsWith(": IllegalStateException: injected failure")));
        assertTrue(errorLines.size() >= 1 && errorLines.size() <= 2, errorLines.toString());
    }

    private static List<Long> counts(DriverOptions o, Workload w) {
        InMemoryRawKv kv = new InMemoryRawKv();
        WorkloadRunner runner = runner(kv, o, new ArrayList<>());
        runner.run(Workload.LOAD);
        List<Long> counts = new ArrayList<>();
        for (OpSummary row : runner.run(w)) {
            counts.add(row.count());
            counts.add(row.p50Nanos());
        }
        // What the updates wrote, as a digest of every value.
        counts.add((long) kv.data.values().stream().mapToInt(Arrays::hashCode).reduce(17, (a, b) -> 31 * a + b));
        return counts;
    }

    private static Map<OpType, OpSummary> byOp(List<OpSummary> rows) {
        return rows.stream().collect(Collectors.toMap(OpSummary::op, r -> r));
    }
}
