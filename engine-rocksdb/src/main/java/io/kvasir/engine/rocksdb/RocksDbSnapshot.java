package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.LifecycleGate;
import io.kvasir.engine.api.Snapshot;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;

/**
 * A RocksDB snapshot (a pinned sequence number). It has its own gate so that closing it cannot
 * race reads from other threads, and it closes the iterators made from it when it closes.
 */
final class RocksDbSnapshot implements Snapshot {
    private final RocksDbEngine engine;
    private final org.rocksdb.Snapshot snapshot;
    private final ReadOptions readOptions;
    private final LifecycleGate gate = new LifecycleGate("snapshot");
    private final Set<AutoCloseable> iterators = ConcurrentHashMap.newKeySet();
    private final Set<AutoCloseable> registry;

    RocksDbSnapshot(RocksDbEngine engine, Set<AutoCloseable> registry) {
        this.engine = engine;
        this.registry = registry;
        this.snapshot = engine.db().getSnapshot();
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
        registry.add(this);
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        engine.checkRead(cf, key);
        gate.enter();
        try {
            return engine.db().get(engine.handle(cf), readOptions, key);
        } catch (RocksDBException e) {
            throw RocksDbErrors.translate("snapshot get failed", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions options) {
        engine.checkIterator(cf, options);
        gate.enter();
        try {
            return new RocksDbIterator(engine.db(), engine.handle(cf), options, snapshot, gate, iterators);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        for (AutoCloseable it : new ArrayList<>(iterators)) {
            RocksDbEngine.closeQuietly(it);
        }
        registry.remove(this);
        engine.db().releaseSnapshot(snapshot);
        readOptions.close();
    }
}
