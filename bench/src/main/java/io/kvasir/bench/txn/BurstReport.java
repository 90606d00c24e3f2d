package io.kvasir.bench.txn;

import java.util.List;
import java.util.Locale;

/**
 * The flow-control comparison as markdown: a summary of each burst side by side, then every
 * second of both (in a collapsed block). Pure: both bursts come in as {@link BurstSeries}.
 */
final class BurstReport {

    private BurstReport() {
    }

    static String markdown(String title, List<String> parameters, BurstSeries with, BurstSeries without) {
        StringBuilder sb = new StringBuilder();
        sb.append("## ").append(title).append("\n\n");
        parameters.forEach(p -> sb.append("- ").append(p).append('\n'));
        sb.append('\n');
        sb.append("| | flow control on | flow control off |\n|---|--:|--:|\n");
        row(sb, "committed writes/s", with, without, "writes-per-second");
        row(sb, "committed writes", with, without, "writes");
        row(sb, "failed writes", with, without, "failed");
        row(sb, "writes unfinished at the end", with, without, "unfinished");
        row(sb, "latency p50 ms", with, without, "p50-ms");
        row(sb, "latency p99 ms", with, without, "p99-ms");
        row(sb, "latency max ms", with, without, "max-ms");
        row(sb, "worst second's p99 ms", with, without, "worst-second-p99-ms");
        row(sb, "**seconds with a write waiting > 1 s**", with, without, "stalled-seconds");
        row(sb, "seconds in which no write finished", with, without, "idle-seconds");
        row(sb, "RocksDB slowdown lines (all stores)", with, without, "engine-slowdown-lines");
        row(sb, "RocksDB stop lines (all stores)", with, without, "engine-stop-lines");
        sb.append('\n');
        sb.append("RocksDB's own stall log over the whole run (warm-up included), by reason — on: ").append(with.fact("engine-stalls"))
                .append("; off: ").append(without.fact("engine-stalls")).append(".\n\n");
        sb.append("<details><summary>Second by second (writes finished in the second, their p99 and max in ms; ")
                .append("<b>S</b>: a write had been waiting over 1 s)</summary>\n\n");
        sb.append("| s | on: writes | on: p99 | on: max | | off: writes | off: p99 | off: max | |\n");
        sb.append("|--:|--:|--:|--:|---|--:|--:|--:|---|\n");
        int n = Math.max(with.seconds().size(), without.seconds().size());
        for (int i = 0; i < n; i++) {
            sb.append("| ").append(i).append(' ');
            cells(sb, i < with.seconds().size() ? with.seconds().get(i) : null);
            cells(sb, i < without.seconds().size() ? without.seconds().get(i) : null);
            sb.append("|\n");
        }
        sb.append("\n</details>\n\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, BurstSeries with, BurstSeries without, String fact) {
        sb.append("| ").append(name).append(" | ").append(with.fact(fact)).append(" | ").append(without.fact(fact))
                .append(" |\n");
    }

    private static void cells(StringBuilder sb, LatencyTimeline.Second s) {
        if (s == null) {
            sb.append("| | | | ");
            return;
        }
        sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s ", s.writes(), MixReport.ms(s.p99Nanos()),
                MixReport.ms(s.maxNanos()), s.stalled() ? "**S**" : ""));
    }
}
