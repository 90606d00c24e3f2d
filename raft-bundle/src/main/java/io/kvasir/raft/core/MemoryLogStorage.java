package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import io.kvasir.kvproto.Eraftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LogStorage} in memory: for tests, the simulator and benchmarks (etcd's
 * {@code MemoryStorage}). Everything written to it counts as persisted; a simulated crash keeps
 * this object and throws away the {@link RawNode}, so whatever the node had not yet handed out in
 * a {@link Ready} is lost, exactly as on a real disk.
 *
 * <p>Invariant: {@code entries.get(0)} is a dummy entry carrying the index and term of the
 * snapshot; real entries follow contiguously.
 */
public final class MemoryLogStorage implements LogStorage {

    private HardState hardState = HardState.getDefaultInstance();
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** An empty storage whose configuration is {@code confState} (a new node of a new group). */
    public MemoryLogStorage(ConfState confState) {
        this.snapshot = Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setConfState(confState))
                .build();
        entries.add(Entry.getDefaultInstance());
    }

    /** An empty storage with no configuration: a node waiting to be added to a group. */
    public MemoryLogStorage() {
        this(ConfState.getDefaultInstance());
    }

    /**
     * The storage of a founding member of a group that will take new members: the log starts after a
     * snapshot at index 1, term 1, carrying the initial configuration (TiKV's bootstrap does the same
     * at index 5). A node added later starts empty; since no founding member holds entry 1, the
     * leader catches it up with a snapshot, and the snapshot tells it the configuration that the
     * log's membership changes start from. (Replicating the log from index 1 to an empty node would
     * have it apply those changes to an empty configuration.)
     */
    public static MemoryLogStorage bootstrap(ConfState confState) {
        MemoryLogStorage s = new MemoryLogStorage();
        s.applySnapshot(Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(1).setTerm(1).setConfState(confState))
                .build());
        // No hard state: term 0 says this node never voted nor followed anyone, so it need not
        // honour any lease at start (see Raft#leaderContactElapsed); its commit index starts at 1.
        return s;
    }

    /**
     * A storage of a new group whose voters are {@code voters}, with the configuration at index 0:
     * fine for a group whose members are all known from the start (see {@link #bootstrap}).
     */
    public static MemoryLogStorage withVoters(long... voters) {
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        return new MemoryLogStorage(cs.build());
    }

    @Override
    public RaftState initialState() {
        return new RaftState(hardState, snapshot.getMetadata().getConfState());
    }

    public HardState hardState() {
        return hardState;
    }

    /** Persists the hard state. */
    public void setHardState(HardState hs) {
        this.hardState = hs;
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        long offset = offset();
        if (lo <= offset) {
            throw new StorageException.Compacted(lo, offset + 1);
        }
        if (hi > lastIndex() + 1) {
            throw new StorageException.Unavailable(hi - 1, lastIndex());
        }
        if (lo >= hi) {
            return List.of();
        }
        // A copy: the caller may hold it while this storage changes.
        return List.copyOf(RaftLog.limitSize(entries.subList((int) (lo - offset), (int) (hi - offset)), maxBytes));
    }

    @Override
    public long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new StorageException.Compacted(index, offset + 1);
        }
        if (index - offset >= entries.size()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public long lastIndex() {
        return offset() + entries.size() - 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Replaces the whole log by {@code snap}; refuses a snapshot older than the one held. */
    public void applySnapshot(Snapshot snap) {
        long index = snap.getMetadata().getIndex();
        long held = snapshot.getMetadata().getIndex();
        if (index <= held) {
            throw new IllegalStateException("snapshot at index " + index + " is not newer than held snapshot at " + held);
        }
        snapshot = snap;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(index).setTerm(snap.getMetadata().getTerm()).build());
    }

    /**
     * Makes a snapshot at {@code index} (the application's applied index) holding {@code data} and
     * the configuration {@code confState} in force at that index, and returns it. Entries are
     * kept; {@link #compact} drops them.
     */
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data) {
        long held = snapshot.getMetadata().getIndex();
        if (index <= held) {
            throw new IllegalStateException("snapshot at index " + index + " is not newer than held snapshot at " + held);
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot index " + index + " is past last index " + lastIndex());
        }
        snapshot = Snapshot.newBuilder()
                .setData(data)
                .setMetadata(SnapshotMetadata.newBuilder()
                        .setIndex(index)
                        .setTerm(term(index))
                        .setConfState(confState))
                .build();
        return snapshot;
    }

    /**
     * Discards entries up to and including {@code compactIndex}, which must not pass
     * {@link #lastIndex()}. The application compacts only up to what it has applied and, to keep
     * followers fed from the log, not past what they have.
     */
    public void compact(long compactIndex) {
        long offset = offset();
        if (compactIndex <= offset) {
            throw new StorageException.Compacted(compactIndex, offset + 1);
        }
        if (compactIndex > lastIndex()) {
            throw new IllegalArgumentException("compact index " + compactIndex + " is past last index " + lastIndex());
        }
        int cut = (int) (compactIndex - offset);
        Entry dummy = Entry.newBuilder().setIndex(compactIndex).setTerm(entries.get(cut).getTerm()).build();
        entries.subList(0, cut + 1).clear();
        entries.add(0, dummy);
    }

    /**
     * Appends {@code ents} (contiguous), first truncating any held entry at or after the first
     * new index: a later leader overwrites an uncommitted suffix (thesis §3.5).
     */
    public void append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long last = ents.get(ents.size() - 1).getIndex();
        if (last < first) {
            return; // all of it is already compacted
        }
        List<Entry> fresh = ents;
        if (first > ents.get(0).getIndex()) {
            fresh = ents.subList((int) (first - ents.get(0).getIndex()), ents.size());
        }
        long at = fresh.get(0).getIndex() - offset();
        if (at > entries.size()) {
            throw new IllegalStateException("missing log entries: last index " + lastIndex()
                    + ", appending from " + fresh.get(0).getIndex());
        }
        entries.subList((int) at, entries.size()).clear();
        entries.addAll(fresh);
    }

    private long offset() {
        return entries.get(0).getIndex();
    }
}
