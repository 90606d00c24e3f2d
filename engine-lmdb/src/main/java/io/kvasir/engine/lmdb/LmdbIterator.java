package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.LifecycleGate;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

/**
 * An LMDB cursor within {@link IterOptions} bounds (lower inclusive, upper exclusive). The cursor
 * lives in a read transaction: the iterator's own for an engine iterator, the snapshot's for a
 * snapshot iterator. LMDB cursors know no bounds, so every move is checked against them here; a
 * move that leaves the bounds leaves the iterator invalid, as RocksDB's bounded iterators do.
 *
 * <p>Its own {@link LifecycleGate} makes {@link #close()} from another thread (the engine or
 * snapshot closing) wait for a call in flight, so the cursor is never freed under it. Only calls
 * that touch the cursor pass the gate: {@link #key()} and {@link #valid()} read the key decoded
 * at the last move, a Java array, which keeps a scan to two gate passes per pair (the move and
 * the value). The decoded key is handed to the first {@link #key()} call rather than copied again.
 */
final class LmdbIterator implements EngineIterator {
    private final LifecycleGate gate = new LifecycleGate("lmdb iterator");
    private final Cursor<ByteBuffer> cursor;
    private final LmdbKeys keys;
    private final byte[] lower;
    private final byte[] upper;
    private final Consumer<LmdbIterator> onClose;
    /** The current key, or null when not positioned. */
    private byte[] key;
    /** Whether {@link #key} was already handed out, so the next caller needs a copy. */
    private boolean keyHandedOut;

    /** @param onClose frees what the iterator holds besides its cursor (its transaction, its gate entry) */
    LmdbIterator(Cursor<ByteBuffer> cursor, IterOptions options, LmdbKeys keys, Consumer<LmdbIterator> onClose) {
        this.cursor = cursor;
        this.keys = keys;
        this.lower = options.lowerBound();
        this.upper = options.upperBound();
        this.onClose = onClose;
    }

    @Override
    public boolean seek(byte[] target) {
        requireKey(target);
        gate.enter();
        try {
            byte[] from = lower != null && Keys.compare(target, lower) < 0 ? lower : target;
            return settleForward(atOrAfter(from));
        } catch (RuntimeException e) {
            throw failed("seek", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean seekForPrev(byte[] target) {
        requireKey(target);
        gate.enter();
        try {
            boolean found = upper != null && Keys.compare(target, upper) >= 0 ? before(upper) : atOrBefore(target);
            return settleBackward(found);
        } catch (RuntimeException e) {
            throw failed("seekForPrev", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean seekToFirst() {
        gate.enter();
        try {
            return settleForward(lower == null ? cursor.first() : atOrAfter(lower));
        } catch (RuntimeException e) {
            throw failed("seekToFirst", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean seekToLast() {
        gate.enter();
        try {
            return settleBackward(upper == null ? cursor.last() : before(upper));
        } catch (RuntimeException e) {
            throw failed("seekToLast", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean next() {
        gate.enter();
        try {
            requireValid("next");
            return settleForward(cursor.next());
        } catch (RuntimeException e) {
            throw failed("next", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean prev() {
        gate.enter();
        try {
            requireValid("prev");
            return settleBackward(cursor.prev());
        } catch (RuntimeException e) {
            throw failed("prev", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean valid() {
        return key != null && !gate.isClosed();
    }

    @Override
    public byte[] key() {
        if (gate.isClosed()) {
            throw EngineException.closed("lmdb iterator");
        }
        requireValid("key");
        if (keyHandedOut) {
            return key.clone();
        }
        keyHandedOut = true;
        return key;
    }

    @Override
    public byte[] value() {
        gate.enter();
        try {
            requireValid("value");
            // The cursor's value buffer points into the map and stays valid for the transaction's life.
            return LmdbKeys.copy(cursor.val());
        } catch (RuntimeException e) {
            throw failed("value", e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        key = null;
        try {
            cursor.close();
        } finally {
            onClose.accept(this);
        }
    }

    /** Positions at the first stored key {@code >= target}, skipping what a truncated seek lands before. */
    private boolean atOrAfter(byte[] target) {
        boolean found = cursor.get(keys.seekTarget(target), GetOp.MDB_SET_RANGE);
        while (found && LmdbKeys.compare(cursor.key(), target) < 0) {
            found = cursor.next();
        }
        return found;
    }

    /** Positions at the last stored key {@code < target}. */
    private boolean before(byte[] target) {
        return atOrAfter(target) ? cursor.prev() : cursor.last();
    }

    /** Positions at the last stored key {@code <= target}. */
    private boolean atOrBefore(byte[] target) {
        if (atOrAfter(target)) {
            return LmdbKeys.compare(cursor.key(), target) == 0 || cursor.prev();
        }
        return cursor.last();
    }

    /** Takes the cursor's position after a forward move, checking the upper bound. */
    private boolean settleForward(boolean found) {
        keyHandedOut = false;
        key = found ? LmdbKeys.decode(cursor.key()) : null;
        if (key != null && upper != null && Keys.compare(key, upper) >= 0) {
            key = null;
        }
        return key != null;
    }

    /** Takes the cursor's position after a backward move, checking the lower bound. */
    private boolean settleBackward(boolean found) {
        keyHandedOut = false;
        key = found ? LmdbKeys.decode(cursor.key()) : null;
        if (key != null && lower != null && Keys.compare(key, lower) < 0) {
            key = null;
        }
        return key != null;
    }

    private void requireValid(String call) {
        if (key == null) {
            throw EngineException.invalidState("iterator is not positioned on a key; %s() needs a successful seek first", call);
        }
    }

    private static void requireKey(byte[] target) {
        if (target == null) {
            throw EngineException.invalidArgument("seek key must not be null");
        }
    }

    private EngineException failed(String call, RuntimeException e) {
        if (!(e instanceof EngineException)) {
            key = null;
        }
        return LmdbErrors.wrap("iterator " + call, e);
    }
}
