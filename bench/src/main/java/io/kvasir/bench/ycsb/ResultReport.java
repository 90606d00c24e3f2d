package io.kvasir.bench.ycsb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Formats results: a fixed-width table for the terminal and a markdown section for {@code --out}.
 * Pure: the date and machine come in as arguments.
 */
public final class ResultReport {

    /** Where the run happened, for the report's header. */
    record Machine(int cores, String javaVersion, String os) {
    }

    static final String MARKDOWN_HEADER =
            "| workload | op | ops/s | p50 ms | p99 ms | p999 ms | max ms | errors |";

    private ResultReport() {
    }

    /** The terminal table, one line per row, with reads that found nothing and items. */
    static String table(List<OpSummary> rows) {
        StringBuilder sb = new StringBuilder();
        String format = "%-8s %-9s %12s %10s %10s %10s %10s %8s %8s %10s%n";
        sb.append(String.format(Locale.ROOT, format, "workload", "op", "ops/s", "p50 ms", "p99 ms", "p999 ms",
                "max ms", "errors", "misses", "ops"));
        for (OpSummary r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.workload(), r.op().label(), rate(r.opsPerSecond()),
                    millis(r.p50Nanos()), millis(r.p99Nanos()), millis(r.p999Nanos()), millis(r.maxNanos()),
                    r.errors(), r.misses(), r.count()));
        }
        return sb.toString();
    }

    /**
     * A markdown section: a heading with the date and label, the parameters, the table, and notes
     * (load rate, scan sizes, read misses, the first distinct error messages).
     */
    static String markdown(String date, String label, List<String> parameters, Machine machine, List<OpSummary> rows,
                           List<String> errorMessages) {
        StringBuilder sb = new StringBuilder();
        sb.append("## YCSB").append(label.isBlank() ? "" : ": " + label).append(" (").append(date).append(")\n\n");
        for (String p : parameters) {
            sb.append("- ").append(p).append('\n');
        }
        sb.append("- machine: ").append(machine.cores()).append(" cores, Java ").append(machine.javaVersion())
                .append(", ").append(machine.os()).append('\n');
        sb.append('\n').append(MARKDOWN_HEADER).append('\n');
        sb.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
        for (OpSummary r : rows) {
            sb.append("| ").append(r.workload()).append(" | ").append(r.op().label()).append(" | ")
                    .append(rate(r.opsPerSecond())).append(" | ").append(millis(r.p50Nanos())).append(" | ")
                    .append(millis(r.p99Nanos())).append(" | ").append(millis(r.p999Nanos())).append(" | ")
                    .append(millis(r.maxNanos())).append(" | ").append(r.errors()).append(" |\n");
        }
        List<String> notes = notes(rows);
        if (!notes.isEmpty() || !errorMessages.isEmpty()) {
            sb.append('\n');
        }
        for (String n : notes) {
            sb.append("- ").append(n).append('\n');
        }
        if (!errorMessages.isEmpty()) {
            sb.append("- first distinct errors (count x where: message):\n");
            for (String m : errorMessages) {
                sb.append("  - `").append(m.replace('`', '\'')).append("`\n");
            }
        }
        return sb.append('\n').toString();
    }

    private static List<String> notes(List<OpSummary> rows) {
        List<String> notes = new ArrayList<>();
        for (OpSummary r : rows) {
            switch (r.op()) {
                case BATCH_PUT -> notes.add(String.format(Locale.ROOT,
                        "%s: %d records in %.1f s = %s records/s; ops/s counts batchPut calls of up to %d records",
                        r.workload(), r.items(), r.windowSeconds(), rate(r.itemsPerSecond()), WorkloadRunner.LOAD_BATCH));
                case SCAN -> notes.add(String.format(Locale.ROOT, "%s: scans returned %.1f pairs on average",
                        r.workload(), r.count() == 0 ? 0.0 : (double) r.items() / r.count()));
                default -> {
                }
            }
            if (r.misses() > 0) {
                notes.add(r.workload() + ": " + r.misses() + " " + r.op().label() + "s found no value");
            }
        }
        return notes;
    }

    /** Operations per second: whole numbers from 100 up, else one or two decimals. */
    public static String rate(double perSecond) {
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%.0f", perSecond);
        }
        return String.format(Locale.ROOT, perSecond >= 10 ? "%.1f" : "%.2f", perSecond);
    }

    /** Nanoseconds as milliseconds with three decimals (microsecond resolution). */
    public static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
