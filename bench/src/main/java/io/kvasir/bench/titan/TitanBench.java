package io.kvasir.bench.titan;

import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import io.kvasir.engine.titan.TitanEngine;
import io.kvasir.engine.titan.TitanOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * engine-titan against engine-rocksdb in one JVM, for values of 100 B, 1 KiB, 16 KiB and 64 KiB:
 * write throughput and amplification of a load and of an overwrite of every key, space after the
 * overwrite and after GC, point-read and scan throughput ({@link Workload}). A plain driver rather
 * than JMH, because write amplification and space are figures of one long run of a whole workload,
 * read from {@code /proc/self/io} and the disk, not rates of a repeated operation.
 *
 * <p>Usage: {@code TitanBench [--mib N (loaded for 100 B values; twice for 1 KiB, four times from 16 KiB)] [--sizes 100,1024,...] [--read-seconds S] [--repeat R] [--out FILE]}:
 * each figure is the median of R runs (default 3), each on a fresh store.
 * Run it through {@code bench/run-titan-bench.sh}.
 */
public final class TitanBench {

    private static final List<String> ENGINES = List.of("rocksdb", "titan");

    private TitanBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = 512;
        int[] sizes = {100, 1024, 16 << 10, 64 << 10};
        double readSeconds = 3;
        int repeat = 3;
        Path out = Path.of("bench/results/engine-titan.md");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--mib" -> mib = Long.parseLong(args[i + 1]);
                case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--read-seconds" -> readSeconds = Double.parseDouble(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ValuePool pool = new ValuePool(1);
        String started = java.time.Instant.now().toString();
        // Warm the JIT on both engines so that the first measured run is not the slowest.
        for (String engine : List.of("rocksdb", "titan")) {
            run(engine, 1024, 32L << 20, pool, 0.5);
        }
        List<Workload.Result> results = new ArrayList<>();
        for (int size : sizes) {
            List<List<Workload.Result>> runs = List.of(new ArrayList<>(), new ArrayList<>());
            for (int r = 0; r < repeat; r++) {
                // Alternate which engine goes first, so neither always inherits the other's writeback.
                for (int e = 0; e < 2; e++) {
                    int engine = (e + r) % 2;
                    Workload.Result result = run(ENGINES.get(engine), size, volumeMib(mib, size) << 20, pool, readSeconds);
                    System.out.println(result);
                    runs.get(engine).add(result);
                }
            }
            results.addAll(runs.get(0));
            results.addAll(runs.get(1));
        }
        Files.writeString(out, Report.markdown(results, mib, readSeconds, repeat, started));
        System.out.println("wrote " + out);
    }

    /**
     * Data loaded for a value size: {@code mib} for small values, more for large ones, whose writes
     * are fast, so that every write phase lasts long enough for compaction to weigh in.
     */
    static long volumeMib(long mib, int valueSize) {
        return valueSize >= 16 << 10 ? 4 * mib : valueSize >= 1 << 10 ? 2 * mib : mib;
    }

    private static Workload.Result run(String engineName, int valueSize, long bytes, ValuePool pool, double readSeconds)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kvasir-titan-bench-" + engineName + "-");
        long keys = bytes / (Workload.KEY_BYTES + valueSize);
        try {
            Workload.Result result;
            try (KvEngine engine = open(engineName, dir)) {
                result = new Workload(engine, dir, valueSize, keys, pool, readSeconds).run();
            }
            return result;
        } finally {
            deleteTree(dir);
            // Let the deleted files' writeback settle before the next run measures the disk.
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        }
    }

    private static KvEngine open(String engine, Path dir) {
        return switch (engine) {
            case "rocksdb" -> RocksDbEngine.open(dir, RocksDbOptions.defaults());
            // GC runs when the workload asks, not on a timer, so every run does the same work.
            case "titan" -> TitanEngine.open(dir, TitanOptions.defaults().withGcInterval(Duration.ZERO));
            default -> throw new IllegalArgumentException(engine);
        };
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
