package io.kvasir.bench.txn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One burst's result as a file, so that two bursts run against two playgrounds (flow control on,
 * then off) can be compared afterwards ({@link BurstReport}): {@code # name=value} lines with the
 * summary, then a tab-separated row per second (latencies in ms).
 */
record BurstSeries(Map<String, String> facts, List<LatencyTimeline.Second> seconds) {

    static final String HEADER = "second\twrites\tfailed\tp50_ms\tp99_ms\tmax_ms\tstalled";

    BurstSeries {
        facts = new LinkedHashMap<>(facts);
        seconds = List.copyOf(seconds);
    }

    String fact(String name) {
        String v = facts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the burst file has no '" + name + "'");
        }
        return v;
    }

    void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        facts.forEach((k, v) -> sb.append("# ").append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
        sb.append(HEADER).append('\n');
        for (LatencyTimeline.Second s : seconds) {
            sb.append(String.format(Locale.ROOT, "%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%d%n", s.index(), s.writes(), s.failures(),
                    s.p50Nanos() / 1e6, s.p99Nanos() / 1e6, s.maxNanos() / 1e6, s.stalled() ? 1 : 0));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    static BurstSeries read(Path file) throws IOException {
        Map<String, String> facts = new LinkedHashMap<>();
        List<LatencyTimeline.Second> seconds = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("# ")) {
                int eq = line.indexOf('=');
                if (eq > 2) {
                    facts.put(line.substring(2, eq), line.substring(eq + 1));
                }
            } else if (!line.isBlank() && !line.equals(HEADER)) {
                String[] f = line.split("\t");
                if (f.length != 7) {
                    throw new IOException(file + ": bad row '" + line + "'");
                }
                seconds.add(new LatencyTimeline.Second(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        millisToNanos(f[3]), millisToNanos(f[4]), millisToNanos(f[5]), f[6].equals("1")));
            }
        }
        return new BurstSeries(facts, seconds);
    }

    private static long millisToNanos(String ms) {
        return Math.round(Double.parseDouble(ms) * 1e6);
    }
}
