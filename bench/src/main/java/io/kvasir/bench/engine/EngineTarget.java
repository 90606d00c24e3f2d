package io.kvasir.bench.engine;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.engine.api.WriteOptions;
import org.openjdk.jmh.infra.Blackhole;

/** Any engine, through the engine API only, as the raft store and transaction layer use it. */
final class EngineTarget implements KvTarget {
    private static final ColumnFamily CF = ColumnFamily.DEFAULT;

    private final KvEngine engine;
    /** Reused across writes with {@link WriteBatch#clear()}, as the API allows. */
    private final WriteBatch batch;

    EngineTarget(KvEngine engine) {
        this.engine = engine;
        this.batch = engine.newWriteBatch();
    }

    private static WriteOptions options(boolean sync) {
        return sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC;
    }

    @Override
    public void put(byte[] key, byte[] value, boolean sync) {
        engine.put(CF, key, value, options(sync));
    }

    @Override
    public void write(byte[][] keys, byte[][] values, int count, boolean sync) {
        batch.clear();
        for (int i = 0; i < count; i++) {
            batch.put(CF, keys[i], values[i]);
        }
        engine.write(batch, options(sync));
    }

    @Override
    public byte[] get(byte[] key) {
        return engine.get(CF, key);
    }

    @Override
    public int scan(byte[] start, int limit, Blackhole sink) {
        int read = 0;
        try (EngineIterator it = engine.newIterator(CF, IterOptions.ALL)) {
            for (boolean valid = it.seek(start); valid && read < limit; valid = it.next()) {
                sink.consume(it.key());
                sink.consume(it.value());
                read++;
            }
        }
        return read;
    }

    @Override
    public void flush() {
        engine.flush();
    }

    @Override
    public void close() {
        batch.close();
        engine.close();
    }
}
