package io.kvasir.engine.titan;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;

/**
 * An iterator of the LSM engine whose {@link #value()} resolves blob indexes. Its view is pinned
 * (see {@link ReaderPins}): by its own pin for an engine iterator, by its snapshot's for a
 * snapshot iterator. The key of the current position is kept, because checking a blob record
 * needs it and scans ask for the key anyway.
 */
final class TitanIterator implements EngineIterator {
    private final TitanEngine engine;
    private final ColumnFamily cf;
    private final EngineIterator lsm;
    /** Null for a snapshot's iterator, whose snapshot holds the pin. */
    private final ReaderPins.Pin pin;
    private byte[] key;

    TitanIterator(TitanEngine engine, ColumnFamily cf, EngineIterator lsm, ReaderPins.Pin pin) {
        this.engine = engine;
        this.cf = cf;
        this.lsm = lsm;
        this.pin = pin;
    }

    private boolean moved(boolean valid) {
        key = null;
        return valid;
    }

    @Override
    public boolean seek(byte[] target) {
        return moved(lsm.seek(target));
    }

    @Override
    public boolean seekForPrev(byte[] target) {
        return moved(lsm.seekForPrev(target));
    }

    @Override
    public boolean seekToFirst() {
        return moved(lsm.seekToFirst());
    }

    @Override
    public boolean seekToLast() {
        return moved(lsm.seekToLast());
    }

    @Override
    public boolean next() {
        return moved(lsm.next());
    }

    @Override
    public boolean prev() {
        return moved(lsm.prev());
    }

    @Override
    public boolean valid() {
        return lsm.valid();
    }

    @Override
    public byte[] key() {
        if (key == null || !lsm.valid()) {
            // Also when closed meanwhile (by the engine, say): the LSM iterator reports that.
            key = lsm.key();
        }
        return key.clone();
    }

    @Override
    public byte[] value() {
        byte[] raw = lsm.value();
        if (!LsmValue.isBlob(raw)) {
            return LsmValue.inlineValue(raw);
        }
        if (key == null) {
            key = lsm.key();
        }
        return engine.readPinned(cf, key, raw);
    }

    @Override
    public void close() {
        key = null;
        lsm.close();
        if (pin != null) {
            engine.blobs().release(pin);
        }
    }
}
