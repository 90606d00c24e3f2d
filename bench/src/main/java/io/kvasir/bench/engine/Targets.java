package io.kvasir.bench.engine;

import io.kvasir.engine.lmdb.LmdbEngine;
import io.kvasir.engine.lmdb.LmdbOptions;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import io.kvasir.engine.rocksdb.RocksDbOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The four targets, by the name a benchmark's {@code target} parameter gives, each in a fresh
 * directory under {@code /tmp} that {@link Opened#close()} deletes.
 */
final class Targets {
    static final String ROCKSDB_ENGINE = "rocksdb-engine";
    static final String ROCKSDB_RAW = "rocksdb-raw";
    static final String LMDB_ENGINE = "lmdb-engine";
    static final String LMDB_RAW = "lmdb-raw";

    /**
     * One map size for both LMDB targets, large enough that no workload fills it, so the engine
     * never grows its map during a run and the raw baseline never needs to. The data file is
     * sparse: only what is written takes disk space.
     */
    static final long LMDB_MAP_SIZE = 32L << 30;

    private Targets() {
    }

    /** An open target and the directory it lives in. */
    record Opened(KvTarget target, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            try {
                target.close();
            } finally {
                deleteTree(dir);
            }
        }
    }

    static Opened open(String name) {
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "kvasir-bench-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new Opened(create(name, dir), dir);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static KvTarget create(String name, Path dir) {
        LmdbOptions lmdb = LmdbOptions.DEFAULT.withMapSize(LMDB_MAP_SIZE);
        return switch (name) {
            case ROCKSDB_ENGINE -> new EngineTarget(RocksDbEngine.open(dir, RocksDbOptions.defaults()));
            case ROCKSDB_RAW -> new RawRocksTarget(dir);
            case LMDB_ENGINE -> new EngineTarget(LmdbEngine.open(dir, lmdb));
            case LMDB_RAW -> new RawLmdbTarget(dir, lmdb.mapSize(), lmdb.maxReaders());
            default -> throw new IllegalArgumentException("unknown target " + name);
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
