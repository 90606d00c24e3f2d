package io.kvasir.engine.lmdb;

import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.EngineLimits;
import io.kvasir.engine.api.Keys;
import io.kvasir.engine.api.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Txn;

/**
 * A write batch for LMDB: the operations are buffered in Java, in order, and
 * {@link LmdbEngine#write} applies all of them inside <em>one</em> LMDB write transaction, so
 * the batch is atomic and crash-safe by LMDB's copy-on-write commit.
 *
 * <p>How LMDB's single-writer model maps onto batches: LMDB allows one write transaction at a
 * time per environment, so concurrent {@code write} calls serialize on LMDB's writer lock, each
 * holding it only while its batch is applied and committed (the batch was built beforehand,
 * without any lock). Readers (point reads, snapshots, iterators) never wait for writers, and
 * writers never wait for readers, because readers see the last committed version of each page.
 * The only wait readers know is the rare map growth (see {@link MapGrowth}).
 *
 * <p>Arguments are validated and copied when added, so an invalid call leaves the batch as it was
 * and the caller may reuse its arrays at once. A batch holds no native memory; closing it only
 * makes it refuse further use.
 */
final class LmdbWriteBatch implements WriteBatch {
    /** One buffered operation. */
    sealed interface Op permits Put, Delete, DeleteRange {
    }

    record Put(ColumnFamily cf, byte[] key, byte[] value) implements Op {
    }

    record Delete(ColumnFamily cf, byte[] key) implements Op {
    }

    record DeleteRange(ColumnFamily cf, byte[] start, byte[] end) implements Op {
    }

    private final LmdbEngine engine;
    private final EngineLimits limits;
    private final List<Op> ops = new ArrayList<>();
    private long dataSize;
    private boolean closed;

    LmdbWriteBatch(LmdbEngine engine, EngineLimits limits) {
        this.engine = engine;
        this.limits = limits;
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value) {
        checkOpen();
        LmdbEngine.requireCf(cf);
        limits.checkKey(key);
        limits.checkValue(value);
        ops.add(new Put(cf, key.clone(), value.clone()));
        dataSize += key.length + value.length;
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key) {
        checkOpen();
        LmdbEngine.requireCf(cf);
        limits.checkKey(key);
        ops.add(new Delete(cf, key.clone()));
        dataSize += key.length;
    }

    @Override
    public void deleteRange(ColumnFamily cf, byte[] start, byte[] end) {
        checkOpen();
        LmdbEngine.requireCf(cf);
        limits.checkBound(start);
        limits.checkBound(end);
        if (Keys.compare(start, end) > 0) {
            throw EngineException.invalidArgument("delete-range start is above its end");
        }
        ops.add(new DeleteRange(cf, start.clone(), end.clone()));
        dataSize += start.length + end.length;
    }

    @Override
    public int count() {
        checkOpen();
        return ops.size();
    }

    @Override
    public boolean isEmpty() {
        checkOpen();
        return ops.isEmpty();
    }

    @Override
    public long dataSize() {
        checkOpen();
        return dataSize;
    }

    @Override
    public void clear() {
        checkOpen();
        ops.clear();
        dataSize = 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ops.clear();
        }
    }

    boolean belongsTo(LmdbEngine candidate) {
        return engine == candidate;
    }

    /** Fails with CLOSED once the batch is closed. */
    void checkOpen() {
        if (closed) {
            throw EngineException.closed("write batch");
        }
    }

    /** Applies every operation, in order, inside {@code txn}. May run more than once (after map growth). */
    void applyTo(Txn<ByteBuffer> txn, TxnWriter writer) {
        for (Op op : ops) {
            if (op instanceof Put p) {
                writer.put(txn, p.cf(), p.key(), p.value());
            } else if (op instanceof Delete d) {
                writer.delete(txn, d.cf(), d.key());
            } else if (op instanceof DeleteRange r) {
                writer.deleteRange(txn, r.cf(), r.start(), r.end());
            }
        }
    }
}
