package io.kvasir.engine.rocksdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.LifecycleGate;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A RocksDB iterator confined to its bounds. It owns its ReadOptions and bound slices, because
 * RocksDB keeps pointers to them for the iterator's whole life. Every step passes through the
 * gate of its parent (the engine, or the snapshot it reads), so the parent cannot free native
 * memory under it.
 */
final class RocksDbIterator implements EngineIterator {
    private final LifecycleGate parentGate;
    private final Set<AutoCloseable> registry;
    private final byte[] lower;
    private final byte[] upper;
    private final Slice lowerSlice;
    private final Slice upperSlice;
    private final ReadOptions readOptions;
    private final RocksIterator it;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean valid;

    RocksDbIterator(RocksDB db, ColumnFamilyHandle cf, IterOptions options, org.rocksdb.Snapshot snapshot,
                    LifecycleGate parentGate, Set<AutoCloseable> registry) {
        this.parentGate = parentGate;
        this.registry = registry;
        this.lower = options.lowerBound();
        this.upper = options.upperBound();
        this.readOptions = new ReadOptions().setFillCache(options.fillCache());
        this.lowerSlice = lower == null ? null : new Slice(lower);
        this.upperSlice = upper == null ? null : new Slice(upper);
        if (lowerSlice != null) {
            readOptions.setIterateLowerBound(lowerSlice);
        }
        if (upperSlice != null) {
            readOptions.setIterateUpperBound(upperSlice);
        }
        if (snapshot != null) {
            readOptions.setSnapshot(snapshot);
        }
        this.it = db.newIterator(cf, readOptions);
        registry.add(this);
    }

    @Override
    public boolean seek(byte[] key) {
        requireKey(key);
        enter();
        try {
            // RocksDB clamps seeks to the bounds in recent versions; clamping here keeps the
            // contract independent of that.
            it.seek(lower != null && Keys.compare(key, lower) < 0 ? lower : key);
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean seekForPrev(byte[] key) {
        requireKey(key);
        enter();
        try {
            if (upper != null && Keys.compare(key, upper) >= 0) {
                it.seekToLast();
            } else {
                it.seekForPrev(key);
            }
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean seekToFirst() {
        enter();
        try {
            it.seekToFirst();
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean seekToLast() {
        enter();
        try {
            it.seekToLast();
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean next() {
        enterPositioned();
        try {
            it.next();
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean prev() {
        enterPositioned();
        try {
            it.prev();
            return settle();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public boolean valid() {
        return valid && !closed.get();
    }

    @Override
    public byte[] key() {
        enterPositioned();
        try {
            return it.key();
        } finally {
            parentGate.exit();
        }
    }

    @Override
    public byte[] value() {
        enterPositioned();
        try {
            return it.value();
        } finally {
            parentGate.exit();
        }
    }

    /** After a move: remember validity, and surface a read error rather than a silent end. */
    private boolean settle() {
        valid = it.isValid();
        if (!valid) {
            try {
                it.status();
            } catch (RocksDBException e) {
                throw RocksDbErrors.translate("iterator failed", e);
            }
        }
        return valid;
    }

    private void enter() {
        parentGate.enter();
        if (closed.get()) {
            parentGate.exit();
            throw EngineException.closed("iterator");
        }
    }

    private void enterPositioned() {
        enter();
        if (!valid) {
            parentGate.exit();
            throw EngineException.invalidState("iterator is not positioned on a key");
        }
    }

    private static void requireKey(byte[] key) {
        if (key == null) {
            throw EngineException.invalidArgument("seek key must not be null");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registry.remove(this);
        it.close();
        readOptions.close();
        if (lowerSlice != null) {
            lowerSlice.close();
        }
        if (upperSlice != null) {
            upperSlice.close();
        }
    }
}
