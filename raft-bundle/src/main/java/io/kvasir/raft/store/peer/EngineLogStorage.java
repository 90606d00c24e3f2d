package io.kvasir.raft.store.peer;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteBatch;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.RaftServerpb.RaftLocalState;
import io.kvasir.kvproto.RaftServerpb.RaftTruncatedState;
import io.kvasir.raft.core.LogStorage;
import io.kvasir.raft.core.RaftState;
import io.kvasir.raft.core.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One region's Raft log and hard state in the {@code raft} column family of an engine, in TiKV's
 * layout ({@link LocalKeys}); TiKV {@code peer_storage.rs} / {@code entry_storage.rs}.
 *
 * <p>Reads serve the core. Writes are two-phase, so the driver can put many regions' writes in one
 * synced batch (group commit) and the in-memory view never runs ahead of the disk:
 * {@link #stage} turns a Ready into {@link Staged} writes without touching anything,
 * {@link Staged#addTo} adds them to the shared batch, and {@link #persisted(Staged)} installs the
 * new state once the batch is written. Log GC ({@link #stageCompaction}) works the same way, in the
 * applier's batch, because the truncated state lives in {@code RaftApplyState} as in TiKV.
 *
 * <p>State: {@code raftState} (hard state and last index, as persisted) and {@code truncated}
 * (index and term of the last discarded entry). The log holds exactly the entries
 * {@code (truncated.index, raftState.lastIndex]}. Not thread-safe: the driver thread owns it.
 */
final class EngineLogStorage implements LogStorage {

    private final KvEngine engine;
    private final long regionId;
    private final ConfState confState;
    private final EntryCache cache;
    private RaftLocalState raftState;
    private RaftTruncatedState truncated;
    private Supplier<Snapshot> snapshotSource = () -> {
        throw new StorageException.SnapshotTemporarilyUnavailable();
    };

    EngineLogStorage(KvEngine engine, long regionId, ConfState confState, RaftLocalState raftState,
            RaftTruncatedState truncated, int cacheCapacity) {
        this.engine = engine;
        this.regionId = regionId;
        this.confState = confState;
        this.raftState = raftState;
        this.truncated = truncated;
        this.cache = new EntryCache(cacheCapacity);
    }

    // ---- LogStorage: the core's reads ----------------------------------------------------------------

    @Override
    public RaftState initialState() {
        return new RaftState(raftState.getHardState(), confState);
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo < firstIndex()) {
            throw new StorageException.Compacted(lo, firstIndex());
        }
        if (hi > lastIndex() + 1) {
            throw new StorageException.Unavailable(hi - 1, lastIndex());
        }
        if (lo >= hi) {
            return List.of();
        }
        List<Entry> cached = cache.slice(lo, hi);
        List<Entry> all = cached != null ? cached : readEntries(lo, hi, maxBytes);
        return limitSize(all, maxBytes);
    }

    @Override
    public long term(long index) {
        if (index == truncated.getIndex()) {
            return truncated.getTerm();
        }
        if (index < truncated.getIndex()) {
            throw new StorageException.Compacted(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        Entry e = cache.get(index);
        if (e == null) {
            e = readEntry(index);
        }
        return e.getTerm();
    }

    @Override
    public long firstIndex() {
        return truncated.getIndex() + 1;
    }

    @Override
    public long lastIndex() {
        return raftState.getLastIndex();
    }

    /** A region snapshot from the peer's {@link SnapshotBuilder}: built on demand, off the Raft loop. */
    @Override
    public Snapshot snapshot() {
        return snapshotSource.get();
    }

    void snapshotSource(Supplier<Snapshot> source) {
        this.snapshotSource = source;
    }

    /** A snapshot replaced the log: it is empty after the snapshot's index, which the engine already holds. */
    void restored(RaftLocalState state, RaftTruncatedState snapshotPoint) {
        raftState = state;
        truncated = snapshotPoint;
        cache.compactTo(Long.MAX_VALUE);
    }

    HardState hardState() {
        return raftState.getHardState();
    }

    RaftTruncatedState truncatedState() {
        return truncated;
    }

    // ---- writes -------------------------------------------------------------------------------------

    /** A Ready's log writes, not yet written. */
    final class Staged {
        private final List<Entry> entries;
        private final long deleteFrom;
        private final long deleteTo;
        /** The new raft state, or null when it does not change. */
        private final RaftLocalState next;

        private Staged(List<Entry> entries, long deleteFrom, long deleteTo, RaftLocalState next) {
            this.entries = entries;
            this.deleteFrom = deleteFrom;
            this.deleteTo = deleteTo;
            this.next = next;
        }

        /** Adds the writes to {@code batch}; the batch is written by the caller. */
        void addTo(WriteBatch batch) {
            for (Entry e : entries) {
                batch.put(ColumnFamily.RAFT, LocalKeys.raftLogKey(regionId, e.getIndex()), e.toByteArray());
            }
            // Entries past the new last index belong to a deposed leader's tail: delete them, so
            // that the log on disk is exactly (truncated, last] (thesis §3.5).
            for (long i = deleteFrom; i <= deleteTo; i++) {
                batch.delete(ColumnFamily.RAFT, LocalKeys.raftLogKey(regionId, i));
            }
            if (next != null) {
                batch.put(ColumnFamily.RAFT, LocalKeys.raftStateKey(regionId), next.toByteArray());
            }
        }

        boolean isEmpty() {
            return entries.isEmpty() && next == null;
        }
    }

    /**
     * The writes that persist a Ready's {@code ents} and {@code hardState} (null when unchanged):
     * the entries are appended after dropping any held entry at or after the first new index.
     * Checks that the entries are contiguous and join the log.
     */
    Staged stage(List<Entry> ents, HardState hardState) {
        RaftLocalState.Builder next = null;
        long deleteFrom = 1;
        long deleteTo = 0;
        if (!ents.isEmpty()) {
            long first = ents.get(0).getIndex();
            long newLast = ents.get(ents.size() - 1).getIndex();
            if (first < firstIndex() || first > lastIndex() + 1 || newLast - first + 1 != ents.size()) {
                throw new IllegalStateException("region " + regionId + ": entries [" + first + ", " + newLast + "] ("
                        + ents.size() + ") do not join the log (" + truncated.getIndex() + ", " + lastIndex() + "]");
            }
            deleteFrom = newLast + 1;
            deleteTo = lastIndex();
            next = raftState.toBuilder().setLastIndex(newLast);
        }
        if (hardState != null) {
            if (next == null) {
                next = raftState.toBuilder();
            }
            next.setHardState(hardState);
        }
        return new Staged(ents, deleteFrom, deleteTo, next == null ? null : next.build());
    }

    /** Installs what {@code staged} wrote, once the batch holding it is durable. */
    void persisted(Staged staged) {
        cache.append(staged.entries);
        if (staged.next != null) {
            raftState = staged.next;
        }
    }

    /**
     * Adds to {@code batch} the deletion of every entry up to and including {@code compactIndex},
     * and returns the truncated state to record with the apply state in the same batch. Only
     * applied entries may be compacted; the caller checks that.
     */
    RaftTruncatedState stageCompaction(WriteBatch batch, long compactIndex) {
        if (compactIndex <= truncated.getIndex() || compactIndex > lastIndex()) {
            throw new IllegalArgumentException("region " + regionId + ": cannot compact to " + compactIndex
                    + ", log is (" + truncated.getIndex() + ", " + lastIndex() + "]");
        }
        long term = term(compactIndex);
        // One range tombstone rather than one per entry: the range is exactly this region's log
        // prefix, which nothing reads again.
        batch.deleteRange(ColumnFamily.RAFT, LocalKeys.raftLogKey(regionId, firstIndex()),
                LocalKeys.raftLogKey(regionId, compactIndex + 1));
        return RaftTruncatedState.newBuilder().setIndex(compactIndex).setTerm(term).build();
    }

    /** Installs a compaction once the batch holding it is written. */
    void compacted(RaftTruncatedState state) {
        truncated = state;
        cache.compactTo(state.getIndex());
    }

    // ---- engine reads -------------------------------------------------------------------------------

    private Entry readEntry(long index) {
        byte[] raw = engine.get(ColumnFamily.RAFT, LocalKeys.raftLogKey(regionId, index));
        if (raw == null) {
            throw missing(index);
        }
        Entry e = parse(raw);
        if (e.getIndex() != index) {
            throw new IllegalStateException("region " + regionId + ": log key " + index + " holds entry " + e.getIndex());
        }
        return e;
    }

    private List<Entry> readEntries(long lo, long hi, long maxBytes) {
        return readPersisted(engine, regionId, lo, hi, maxBytes);
    }

    /**
     * The region's persisted log entries {@code [lo, hi)}, read from the engine (the longest prefix
     * within {@code maxBytes}, at least one). For any thread: entries up to the commit index never
     * change, and only applied ones are ever deleted.
     */
    static List<Entry> readPersisted(KvEngine engine, long regionId, long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long size = 0;
        IterOptions range = IterOptions.range(LocalKeys.raftLogKey(regionId, lo), LocalKeys.raftLogKey(regionId, hi));
        try (EngineIterator it = engine.newIterator(ColumnFamily.RAFT, range)) {
            long expect = lo;
            for (it.seekToFirst(); it.valid() && expect < hi; it.next()) {
                Entry e = parse(regionId, it.value());
                if (e.getIndex() != expect) {
                    throw missing(regionId, expect);
                }
                size += e.getSerializedSize();
                if (!out.isEmpty() && size > maxBytes) {
                    return out;
                }
                out.add(e);
                expect++;
            }
            if (expect < hi) {
                throw missing(regionId, expect);
            }
        }
        return out;
    }

    private static IllegalStateException missing(long regionId, long index) {
        return new IllegalStateException("region " + regionId + ": raft log entry " + index + " is missing");
    }

    private Entry parse(byte[] raw) {
        return parse(regionId, raw);
    }

    private static Entry parse(long regionId, byte[] raw) {
        try {
            return Entry.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("region " + regionId + ": corrupt raft log entry", e);
        }
    }

    private IllegalStateException missing(long index) {
        return new IllegalStateException("region " + regionId + ": raft log entry " + index + " is missing from (" + truncated.getIndex()
                + ", " + lastIndex() + "]");
    }

    /** The longest prefix within {@code maxBytes} of serialized size, at least one entry. */
    private static List<Entry> limitSize(List<Entry> ents, long maxBytes) {
        long size = 0;
        for (int n = 0; n < ents.size(); n++) {
            size += ents.get(n).getSerializedSize();
            if (n > 0 && size > maxBytes) {
                return ents.subList(0, n);
            }
        }
        return ents;
    }
}
