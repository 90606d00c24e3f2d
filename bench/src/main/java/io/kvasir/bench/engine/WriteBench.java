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

/**
 * Write workloads, each engine against its raw library: synced single puts, synced batches of
 * 64, unsynced single puts; random 16-byte keys, 100-byte values. Each trial starts from an empty
 * store. Iterations are many and short because the median of many short iterations resists this
 * shared machine's noise better than a few long ones. Synced writes measure mostly the disk's
 * fsync latency, which on a shared disk varies several-fold within a run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 15, time = 1)
public class WriteBench {
    static final int BATCH = 64;

    @Param({Targets.ROCKSDB_ENGINE, Targets.ROCKSDB_RAW, Targets.LMDB_ENGINE, Targets.LMDB_RAW})
    public String target;

    private Targets.Opened opened;
    private KvTarget kv;
    private SplittableRandom random;
    private final byte[] key = new byte[Data.KEY_BYTES];
    private final byte[] value = new byte[Data.VALUE_BYTES];
    private final byte[][] keys = new byte[BATCH][Data.KEY_BYTES];
    private final byte[][] values = new byte[BATCH][Data.VALUE_BYTES];

    @Setup(Level.Trial)
    public void open() {
        opened = Targets.open(target);
        kv = opened.target();
        random = new SplittableRandom(Data.SEED);
    }

    @TearDown(Level.Trial)
    public void close() {
        opened.close();
    }

    /** Every target copies keys and values before the call returns, so the arrays are refilled in place. */
    private void fill(byte[] key, byte[] value) {
        random.nextBytes(key);
        random.nextBytes(value);
    }

    @Benchmark
    @Warmup(iterations = 2, time = 1)
    public void putSynced() {
        fill(key, value);
        kv.put(key, value, true);
    }

    /** One op is one batch of 64 puts. */
    @Benchmark
    @Warmup(iterations = 2, time = 1)
    public void batch64Synced() {
        for (int i = 0; i < BATCH; i++) {
            fill(keys[i], values[i]);
        }
        kv.write(keys, values, BATCH, true);
    }

    @Benchmark
    public void putUnsynced() {
        fill(key, value);
        kv.put(key, value, false);
    }
}
