package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OpStatsTest {

    @Test
    void percentilesOfOneToOneThousandMilliseconds() {
        OpStats stats = new OpStats();
        for (long ms = 1000; ms >= 1; ms--) {
            stats.recordSuccess(ms * 1_000_000, 1);
        }
        assertEquals(1000, stats.count());
        assertClose(500_000_000L, stats.percentileNanos(50));
        assertClose(990_000_000L, stats.percentileNanos(99));
        assertClose(999_000_000L, stats.percentileNanos(99.9));
        assertClose(1_000_000_000L, stats.maxNanos());
        assertClose(1_000_000L, stats.minNanos());
        assertClose(500_500_000L, (long) stats.meanNanos());
    }

    @Test
    void smallValuesAreExact() {
        OpStats stats = new OpStats();
        for (long ns = 1; ns <= 1000; ns++) {
            stats.recordSuccess(ns, 0);
        }
        assertEquals(500, stats.percentileNanos(50));
        assertEquals(990, stats.percentileNanos(99));
        assertEquals(999, stats.percentileNanos(99.9));
        assertEquals(1000, stats.maxNanos());
    }

    @Test
    void percentilesAgreeWithANaiveNearestRankTwin() {
        SplittableRandom random = new SplittableRandom(8);
        long[] values = new long[100_000];
        OpStats stats = new OpStats();
        for (int i = 0; i < values.length; i++) {
            // Log-normal-ish latencies from 20 us to tens of ms, with a long tail.
            values[i] = (long) (200_000 * Math.exp(random.nextGaussian() * 1.2));
            stats.recordSuccess(values[i], 1);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 25, 50, 90, 99, 99.9, 99.99, 100}) {
            long rank = Math.max(1, (long) Math.ceil(p / 100 * values.length));
            assertClose(values[(int) rank - 1], stats.percentileNanos(p));
        }
        assertClose(values[values.length - 1], stats.maxNanos());
    }

    @Test
    void addingMergesCountsErrorsMissesAndItems() {
        OpStats a = new OpStats();
        OpStats b = new OpStats();
        OpStats whole = new OpStats();
        for (long i = 1; i <= 2000; i++) {
            (i % 2 == 0 ? a : b).recordSuccess(i * 1000, 3);
            whole.recordSuccess(i * 1000, 3);
        }
        a.recordError();
        b.recordError();
        b.recordMiss();
        a.add(b);
        assertEquals(2000, a.count());
        assertEquals(2, a.errors());
        assertEquals(1, a.misses());
        assertEquals(6000, a.items());
        for (double p : new double[] {50, 99, 99.9}) {
            assertEquals(whole.percentileNanos(p), a.percentileNanos(p));
        }
    }

    @Test
    void emptyStatsReportZero() {
        OpStats stats = new OpStats();
        assertEquals(0, stats.percentileNanos(99));
        assertEquals(0, stats.maxNanos());
        OpSummary row = OpSummary.of("A", OpType.READ, stats, 1_000_000_000L);
        assertEquals(0, row.opsPerSecond());
    }

    @Test
    void summaryRateIsCountOverTheWindow() {
        OpStats stats = new OpStats();
        for (int i = 0; i < 500; i++) {
            stats.recordSuccess(1000, 2);
        }
        OpSummary row = OpSummary.of("B", OpType.UPDATE, stats, 2_000_000_000L);
        assertEquals(250.0, row.opsPerSecond(), 1e-9);
        assertEquals(500.0, row.itemsPerSecond(), 1e-9);
        assertEquals(2.0, row.windowSeconds(), 1e-12);
    }

    /** Within HdrHistogram's 3 significant digits (0.1 %), plus one nanosecond. */
    private static void assertClose(long expected, long actual) {
        assertTrue(Math.abs(expected - actual) <= expected / 1000 + 1, "expected " + expected + ", got " + actual);
    }
}
