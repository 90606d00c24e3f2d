package io.kvasir.bench.txn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Counts the write stalls RocksDB itself logged in the stores' info logs ({@code LOG},
 * {@code LOG.old.*} under a playground's {@code store-N/} directories): "Stalling writes" (the
 * engine slows writes to its delayed write rate) and "Stopping writes" (it blocks them), each
 * with its reason. RocksDB logs the condition every time it recomputes it (after each flush and
 * compaction) while it holds, so the counts measure how long and how often, not distinct episodes.
 */
final class EngineLogScan {

    /** Lines by kind ("slowdown" or "stop") and reason (level-0 files, memtables, pending compaction). */
    record Stalls(Map<String, Long> counts) {

        long total(String kind) {
            return counts.entrySet().stream().filter(e -> e.getKey().startsWith(kind + ":"))
                    .mapToLong(Map.Entry::getValue).sum();
        }

        /** {@code "stop: level-0 files=3, slowdown: memtables=1"}, or "none". */
        String describe() {
            if (counts.isEmpty()) {
                return "none";
            }
            StringBuilder sb = new StringBuilder();
            counts.forEach((k, n) -> sb.append(sb.length() == 0 ? "" : "; ").append(k).append(" ").append(n));
            return sb.toString();
        }
    }

    private EngineLogScan() {
    }

    static Stalls scan(Path dataDir) {
        Map<String, Long> counts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : files.filter(EngineLogScan::isStoreEngineLog).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    String key = classify(line);
                    if (key != null) {
                        counts.merge(key, 1L, Long::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the engine logs under " + dataDir, e);
        }
        return new Stalls(counts);
    }

    private static boolean isStoreEngineLog(Path p) {
        String name = p.getFileName().toString();
        return (name.equals("LOG") || name.startsWith("LOG.old")) && p.toString().contains("store-");
    }

    /** "stop: level-0 files" and the like for a stall line, null for any other line. */
    static String classify(String line) {
        String kind = line.contains("Stopping writes") ? "stop" : line.contains("Stalling writes") ? "slowdown" : null;
        if (kind == null) {
            return null;
        }
        String reason = line.contains("level-0 files") ? "level-0 files"
                : line.contains("immutable memtables") ? "memtables"
                : line.contains("pending compaction bytes") ? "pending compaction bytes"
                : "other";
        return kind + ": " + reason;
    }
}
