package io.kvasir.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.bench.ycsb.OpStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    private static PhaseResult phase(TxnKind kind, int threads, String keys, int committed, Map<AbortCause, Long> aborts) {
        OpStats stats = new OpStats();
        for (int i = 0; i < committed; i++) {
            stats.recordSuccess(1_000_000L * (i + 1), kind.keys());
        }
        return new PhaseResult(kind.label(), kind.keys(), threads, keys, 10, stats, aborts, 0, committed);
    }

    @Test
    void eachRowIsComparedWithTheOneKeyBaselineOfItsThreadsAndKeyChoice() {
        PhaseResult base16 = phase(TxnKind.OPTIMISTIC_1, 16, "zipfian", 100, Map.of());
        PhaseResult base64 = phase(TxnKind.OPTIMISTIC_1, 64, "zipfian", 400, Map.of());
        PhaseResult four = phase(TxnKind.OPTIMISTIC_4, 64, "zipfian", 100, Map.of(AbortCause.WRITE_CONFLICT, 100L));
        List<PhaseResult> rows = List.of(base16, base64, four);
        assertEquals("—", MixReport.relative(base16, rows));
        assertEquals("0.25×", MixReport.relative(four, rows));
        assertEquals(0.5, four.abortRate(), 1e-9);
        String md = MixReport.markdown("today", List.of("a parameter"), rows, List.of("a note"));
        assertTrue(md.contains("| optimistic 2PC, 4 keys | 64 | zipfian | 10.0 | 0.25× |"), md);
        assertTrue(md.contains("| 50.0 % | 100 | 0 |"), md);
    }

    @Test
    void aBurstFileReadsBackAsWritten(@TempDir Path dir) throws Exception {
        LatencyTimeline t = new LatencyTimeline(0, LatencyTimeline.SECOND_NANOS);
        t.succeeded(0, 200_000_000L);
        t.succeeded(0, 2_500_000_000L);
        Map<String, String> facts = BurstCommand.facts("flow control on", 64, 3, 100, 4096, t);
        facts.put("engine-slowdown-lines", "2");
        facts.put("engine-stop-lines", "0");
        facts.put("engine-stalls", "slowdown: level-0 files 2");
        facts.put("failed-by-cause", "none");
        facts.put("errors", "none");
        Path file = dir.resolve("on.tsv");
        new BurstSeries(facts, t.seconds()).write(file);
        BurstSeries back = BurstSeries.read(file);
        assertEquals(facts, back.facts());
        assertEquals(t.seconds().size(), back.seconds().size());
        for (int i = 0; i < t.seconds().size(); i++) {
            LatencyTimeline.Second w = t.seconds().get(i);
            LatencyTimeline.Second r = back.seconds().get(i);
            assertEquals(w.writes(), r.writes());
            assertEquals(w.stalled(), r.stalled());
            assertEquals(w.maxNanos(), r.maxNanos(), 1_000, "kept to the microsecond");
        }
        assertEquals("2", back.fact("stalled-seconds"));
        assertEquals("1", back.fact("idle-seconds"), "second 1: nothing finished");
        String md = BurstReport.markdown("title", List.of(), back, back);
        assertTrue(md.contains("| **seconds with a write waiting > 1 s** | 2 | 2 |"), md);
        assertTrue(Files.size(file) > 0);
    }
}
