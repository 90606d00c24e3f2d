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
    /** Reads alternate between the engines in this many rounds each. */
    private static final int READ_ROUNDS = 6;

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
        runPair(1024, 32L << 20, pool, 0.5, false);
        List<Workload.Result> results = new ArrayList<>();
        for (int size : sizes) {
            for (int r = 0; r < repeat; r++) {
                // Alternate which engine writes first, so neither always inherits the other's writeback.
                List<Workload.Result> pair = runPair(size, volumeMib(mib, size) << 20, pool, readSeconds, r % 2 == 1);
                pair.forEach(System.out::println);
                results.addAll(pair);
            }
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

    /**
     * Both engines on fresh stores, open together: the write phases one engine after the other,
     * then reads in rounds that alternate between them.
     */
    private static List<Workload.Result> runPair(int valueSize, long bytes, ValuePool pool, double readSeconds, boolean titanFirst)
            throws IOException, InterruptedException {
        long keys = bytes / (Workload.KEY_BYTES + valueSize);
        List<Path> dirs = new ArrayList<>();
        List<KvEngine> engines = new ArrayList<>();
        try {
            List<Workload> workloads = new ArrayList<>();
            for (String name : ENGINES) {
                Path dir = Files.createTempDirectory(Path.of("/tmp"), "kvasir-titan-bench-" + name + "-");
                dirs.add(dir);
                KvEngine engine = open(name, dir);
                engines.add(engine);
                workloads.add(new Workload(engine, dir, valueSize, keys, pool));
            }
            List<Workload> order = titanFirst ? List.of(workloads.get(1), workloads.get(0)) : workloads;
            for (Workload workload : order) {
                workload.writeAndCollect();
            }
            for (int round = 0; round < READ_ROUNDS; round++) {
                for (int i = 0; i < 2; i++) {
                    workloads.get((i + round) % 2).readRound(readSeconds / READ_ROUNDS);
                }
            }
            return workloads.stream().map(Workload::result).toList();
        } finally {
            engines.forEach(KvEngine::close);
            dirs.forEach(TitanBench::deleteTree);
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
