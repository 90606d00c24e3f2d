package io.kvasir.bench.txn;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code TxnBench burst-report}: the markdown comparison of two burst files ({@link BurstReport}). */
final class BurstReportCommand {

    static final String USAGE = """
              burst-report --on FILE --off FILE [--out FILE.md]   compare a burst with flow control and one without
            """;

    private static final Set<String> FLAGS = Set.of("on", "off", "out");

    private BurstReportCommand() {
    }

    static int run(String[] args, PrintStream out) throws Exception {
        Flags f = Flags.parse(args, FLAGS);
        BurstSeries on = BurstSeries.read(Path.of(f.required("on")));
        BurstSeries off = BurstSeries.read(Path.of(f.required("off")));
        List<String> params = List.of(
                "each write: a 1-key transaction (KvPrewrite, then KvCommit) of a " + on.fact("value-size")
                        + " B random value to one of " + on.fact("keys") + " keys chosen uniformly, no read",
                on.fact("threads") + " closed-loop writers for " + on.fact("seconds") + " s, after "
                        + on.facts().getOrDefault("warmup-seconds", "0") + " s of the same burst not measured, then up to the drain time"
                        + " for writes still in flight; latency from the first timestamp to the commit's answer",
                "a second counts as stalled when a write had been waiting over 1 s at some point in it",
                "failed writes (two writers on one key at once; not retried) — on: " + on.fact("failed-by-cause")
                        + "; off: " + off.fact("failed-by-cause") + "; other errors — on: " + on.fact("errors")
                        + "; off: " + off.fact("errors"));
        String md = BurstReport.markdown("Flow control: a sustained write burst (" + TxnBench.now() + ")", params, on, off);
        out.print(md);
        Path file = f.path("out");
        if (file != null) {
            MixCommand.append(file, md);
            out.println("appended to " + file);
        }
        return 0;
    }
}
