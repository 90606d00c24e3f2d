package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.List;

/**
 * The persisted part of a node's Raft log, read by the core; the store implements it on an engine
 * (the {@code raft} column family or a separate instance). The core only reads through it: the
 * application writes what {@link Ready} hands out ({@link Ready#entries()}, {@link Ready#hardState()},
 * {@link Ready#snapshot()}) and compacts when it likes.
 *
 * <p>The log holds entries {@code [firstIndex(), lastIndex()]}; of the entry before
 * {@code firstIndex()} only the term is still known. {@link #snapshot()} covers at least everything
 * before {@code firstIndex()} (an application may keep some entries behind its snapshot, to feed
 * slightly lagging followers without one). An empty log after a snapshot at index {@code s} has
 * {@code firstIndex() == s + 1} and {@code lastIndex() == s}. A restarted node whose state machine
 * resumes from the snapshot passes the snapshot's index as {@link RaftConfig#applied()}.
 *
 * <p>Calls come from the thread driving the {@link RawNode}; implementations need no locking
 * against the core, but must not change between the core's calls inside one step.
 */
public interface LogStorage {

    /** The hard state and configuration persisted last; the first call at start-up. */
    RaftState initialState();

    /**
     * Entries {@code [lo, hi)}, as many as fit in {@code maxBytes} of serialized size but at least
     * one. Throws {@link StorageException.Compacted} when {@code lo < firstIndex()} and
     * {@link StorageException.Unavailable} when {@code hi > lastIndex() + 1}.
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /**
     * The term of entry {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()};
     * {@link StorageException.Compacted} before and {@link StorageException.Unavailable} after.
     */
    long term(long index);

    /** The index of the first entry still held (the snapshot's index + 1). */
    long firstIndex();

    /** The index of the last entry held (the snapshot's index when no entry is held). */
    long lastIndex();

    /**
     * The most recent snapshot. May throw {@link StorageException.SnapshotTemporarilyUnavailable}
     * while one is being built; the leader asks again later.
     */
    Snapshot snapshot();
}
