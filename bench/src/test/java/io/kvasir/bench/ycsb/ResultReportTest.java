package io.kvasir.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultReportTest {

    private static final List<OpSummary> ROWS = List.of(
            new OpSummary("load", OpType.BATCH_PUT, 391, 130.33, 12_000_000, 40_500_000, 61_000_000, 75_000_000, 0, 0,
                    100_000, 3.0),
            new OpSummary("A", OpType.READ, 150_000, 5000.0, 412_345, 2_100_000, 9_800_000, 20_000_000, 3, 0, 150_000,
                    30.0),
            new OpSummary("A", OpType.UPDATE, 150_000, 5000.0, 1_200_000, 4_000_000, 12_000_000, 25_000_000, 0, 0,
                    150_000, 30.0),
            new OpSummary("E", OpType.SCAN, 1000, 33.33, 5_000_000, 9_000_000, 9_500_000, 9_900_000, 0, 0, 50_500,
                    30.0),
            new OpSummary("C", OpType.READ, 10, 0.333, 1000, 2000, 3000, 4000, 0, 2, 10, 30.0));

    @Test
    void markdownHasHeaderParametersTableAndNotes() {
        String md = ResultReport.markdown("2026-01-02T03:04:05Z", "playground", List.of("pd: h:1", "threads: 16"),
                new ResultReport.Machine(8, "17.0.15", "Linux amd64"), ROWS,
                List.of("3 x A read: GrpcException: retry is exhausted"));
        assertEquals("""
                ## YCSB: playground (2026-01-02T03:04:05Z)

                - pd: h:1
                - threads: 16
                - machine: 8 cores, Java 17.0.15, Linux amd64

                | workload | op | ops/s | p50 ms | p99 ms | p999 ms | max ms | errors |
                |---|---|--:|--:|--:|--:|--:|--:|
                | load | batchPut | 130 | 12.000 | 40.500 | 61.000 | 75.000 | 0 |
                | A | read | 5000 | 0.412 | 2.100 | 9.800 | 20.000 | 3 |
                | A | update | 5000 | 1.200 | 4.000 | 12.000 | 25.000 | 0 |
                | E | scan | 33.3 | 5.000 | 9.000 | 9.500 | 9.900 | 0 |
                | C | read | 0.33 | 0.001 | 0.002 | 0.003 | 0.004 | 0 |

                - load: 100000 records in 3.0 s = 33333 records/s; ops/s counts batchPut calls of up to 256 records
                - E: scans returned 50.5 pairs on average
                - C: 2 reads found no value
                - first distinct errors (count x where: message):
                  - `3 x A read: GrpcException: retry is exhausted`

                """, md);
    }

    @Test
    void unlabelledRunsHaveAPlainHeading() {
        String md = ResultReport.markdown("d", "", List.of(), new ResultReport.Machine(2, "17", "Linux"),
                ROWS.subList(1, 2), List.of());
        assertTrue(md.startsWith("## YCSB (d)\n"), md);
        assertTrue(md.endsWith("| A | read | 5000 | 0.412 | 2.100 | 9.800 | 20.000 | 3 |\n\n"), md);
    }

    @Test
    void terminalTableAlignsColumns() {
        String[] lines = ResultReport.table(ROWS).split("\n");
        assertEquals(ROWS.size() + 1, lines.length);
        assertTrue(lines[0].startsWith("workload op"), lines[0]);
        for (String line : lines) {
            assertEquals(lines[0].length(), line.length(), line);
        }
        assertTrue(lines[2].contains("0.412") && lines[2].contains("150000"), lines[2]);
    }

    @Test
    void numberFormats() {
        assertEquals("12346", ResultReport.rate(12_345.6));
        assertEquals("99.5", ResultReport.rate(99.54));
        assertEquals("1.50", ResultReport.rate(1.5));
        assertEquals("0.000", ResultReport.millis(0));
        assertEquals("1.235", ResultReport.millis(1_234_567));
    }
}
