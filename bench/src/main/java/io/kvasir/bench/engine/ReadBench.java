package io.kvasir.bench.engine;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Read workloads over 1M preloaded keys (16-byte keys scattered over the keyspace, 100-byte
 * values), each engine against its raw library: random point reads of present keys, and scans of
 * 1,000 consecutive pairs from a random start. The store is loaded once per trial with unsynced
 * batches of 10,000 and flushed, so RocksDB reads its block cache and a few L0/L1 files and LMDB
 * its B-tree. Iterations are many and short, as in {@link WriteBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 15, time = 1)
public class ReadBench {
    static final int KEYS = 1_000_000;
    static final int LOAD_BATCH = 10_000;
    static final int SCAN_LENGTH = 1_000;

    @Param({Targets.ROCKSDB_ENGINE, Targets.ROCKSDB_RAW, Targets.LMDB_ENGINE, Targets.LMDB_RAW})
    public String target;

    private Targets.Opened opened;
    private KvTarget kv;
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void load(Blackhole sink) {
        opened = Targets.open(target);
        kv = opened.target();
        SplittableRandom values = new SplittableRandom(Data.SEED);
        byte[][] keys = new byte[LOAD_BATCH][];
        byte[][] vals = new byte[LOAD_BATCH][];
        for (int base = 0; base < KEYS; base += LOAD_BATCH) {
            for (int i = 0; i < LOAD_BATCH; i++) {
                keys[i] = Data.preloadedKey(base + i);
                vals[i] = Data.randomValue(values);
            }
            kv.write(keys, vals, LOAD_BATCH, false);
        }
        kv.flush();
        check(sink);
        random = new SplittableRandom(Data.SEED + 1);
    }

    /** A wrong setup would measure misses; fail the trial instead. */
    private void check(Blackhole sink) {
        for (int i = 0; i < KEYS; i += KEYS / 100) {
            byte[] value = kv.get(Data.preloadedKey(i));
            if (value == null || value.length != Data.VALUE_BYTES) {
                throw new IllegalStateException(target + ": preloaded key " + i + " reads back " + value);
            }
        }
        int read = kv.scan(new byte[] {0x7f}, SCAN_LENGTH, sink);
        if (read != SCAN_LENGTH) {
            throw new IllegalStateException(target + ": a scan read " + read + " pairs, not " + SCAN_LENGTH);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        opened.close();
    }

    @Benchmark
    public void get(Blackhole sink) {
        sink.consume(kv.get(Data.preloadedKey(random.nextInt(KEYS))));
    }

    /**
     * One op is a scan of 1,000 pairs. The start's first byte is below 0x80, so half the keyspace
     * (about 500,000 keys) lies after it and every scan reads all 1,000.
     */
    @Benchmark
    public int scan1000(Blackhole sink) {
        byte[] start = Data.randomKey(random);
        start[0] &= 0x7f;
        return kv.scan(start, SCAN_LENGTH, sink);
    }
}
