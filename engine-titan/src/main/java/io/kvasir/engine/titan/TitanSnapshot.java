package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;

/**
 * A snapshot of the LSM engine plus a reader pin, which keeps every blob file its view may point
 * into until it closes, however far GC has moved on.
 */
final class TitanSnapshot implements Snapshot {
    private final TitanEngine engine;
    private final Snapshot lsm;
    private final ReaderPins.Pin pin;

    TitanSnapshot(TitanEngine engine, Snapshot lsm, ReaderPins.Pin pin) {
        this.engine = engine;
        this.lsm = lsm;
        this.pin = pin;
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        byte[] raw = lsm.get(cf, key);
        if (raw == null) {
            return null;
        }
        return LsmValue.isBlob(raw) ? engine.readPinned(cf, key, raw) : LsmValue.inlineValue(raw);
    }

    @Override
    public EngineIterator newIterator(ColumnFamily cf, IterOptions options) {
        return new TitanIterator(engine, cf, lsm.newIterator(cf, options), null);
    }

    /** The LSM snapshot, for size scans that need indexes, not values. */
    Snapshot lsm() {
        return lsm;
    }

    @Override
    public void close() {
        lsm.close();
        engine.blobs().release(pin);
    }
}
