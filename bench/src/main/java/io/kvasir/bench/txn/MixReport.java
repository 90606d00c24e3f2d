package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.ResultReport;
import java.util.List;
import java.util.Locale;

/**
 * The mix's markdown: parameters, one row per phase, and notes. Throughput is also given relative
 * to the phase's baseline, the optimistic 1-key transaction at the same threads and key choice,
 * run minutes before on the same cluster. Pure.
 */
final class MixReport {

    static final String BASELINE_KIND = TxnKind.OPTIMISTIC_1.label();

    private MixReport() {
    }

    static String markdown(String date, List<String> parameters, List<PhaseResult> rows, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Read-modify-write transactions (").append(date).append(")\n\n");
        parameters.forEach(p -> sb.append("- ").append(p).append('\n'));
        sb.append('\n');
        sb.append("| transaction | threads | key choice | txn/s | vs 1-key | p50 ms | p99 ms | aborted |");
        for (AbortCause c : AbortCause.values()) {
            sb.append(' ').append(c.label()).append(" |");
        }
        sb.append(" stmt retries |\n|---|--:|---|--:|--:|--:|--:|--:|");
        sb.append("--:|".repeat(AbortCause.values().length)).append("--:|\n");
        for (PhaseResult r : rows) {
            sb.append("| ").append(r.kind()).append(" | ").append(r.threads()).append(" | ").append(r.distribution())
                    .append(" | ").append(ResultReport.rate(r.committedPerSecond())).append(" | ").append(relative(r, rows))
                    .append(" | ").append(ms(r.committed().percentileNanos(50))).append(" | ")
                    .append(ms(r.committed().percentileNanos(99))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f %%", 100 * r.abortRate())).append(" |");
            for (AbortCause c : AbortCause.values()) {
                sb.append(' ').append(r.aborted(c)).append(" |");
            }
            sb.append(' ').append(r.statementRetries()).append(" |\n");
        }
        sb.append('\n');
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.append('\n').toString();
    }

    /** Committed/s over the baseline's at the same threads and key choice; "—" for the baseline itself. */
    static String relative(PhaseResult r, List<PhaseResult> rows) {
        if (r.kind().equals(BASELINE_KIND)) {
            return "—";
        }
        // The first baseline row that fits: a repeat of the baseline is compared with the original.
        for (PhaseResult b : rows) {
            if (b.kind().equals(BASELINE_KIND) && b.threads() == r.threads() && b.distribution().equals(r.distribution())
                    && b.committedPerSecond() > 0) {
                return String.format(Locale.ROOT, "%.2f×", r.committedPerSecond() / b.committedPerSecond());
            }
        }
        return "";
    }

    /** Milliseconds, one decimal from 10 up, two below. */
    static String ms(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms >= 10 ? "%.1f" : "%.2f", ms);
    }
}
