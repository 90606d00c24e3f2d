package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's log: the stable part in {@link LogStorage}, the unstable tail in {@link Unstable}, and
 * the commit and apply indexes (etcd {@code log.go}).
 *
 * <p>Invariants, checked where they change: {@code applied <= committed <= lastIndex()}, and
 * {@code firstIndex() - 1 <= applied} once anything is applied. A violation is a bug in the core or
 * in the application's use of {@link RawNode}; it throws {@link IllegalStateException} with the
 * values. Input from the network is validated before it gets here.
 */
final class RaftLog {

    /** {@link #term} answers this for an index it does not know (compacted or past the end). */
    static final long UNKNOWN_TERM = -1;

    private final LogStorage storage;
    private final Unstable unstable;
    private long committed;
    private long applied;

    RaftLog(LogStorage storage) {
        this.storage = storage;
        this.unstable = new Unstable(storage.lastIndex() + 1);
        long first = storage.firstIndex();
        this.committed = first - 1;
        this.applied = first - 1;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    Unstable unstable() {
        return unstable;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i != Unstable.UNKNOWN ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i != Unstable.UNKNOWN ? i : storage.lastIndex();
    }

    long lastTerm() {
        long t = term(lastIndex());
        if (t == UNKNOWN_TERM) {
            throw new IllegalStateException("term of last index " + lastIndex() + " is unknown");
        }
        return t;
    }

    /** The term of entry {@code index}, or {@link #UNKNOWN_TERM} if it is compacted or past the end. */
    long term(long index) {
        long dummy = firstIndex() - 1;
        if (index < dummy || index > lastIndex()) {
            return UNKNOWN_TERM;
        }
        long t = unstable.maybeTerm(index);
        if (t != Unstable.UNKNOWN) {
            return t;
        }
        try {
            return storage.term(index);
        } catch (StorageException.Compacted | StorageException.Unavailable e) {
            return UNKNOWN_TERM;
        }
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t != UNKNOWN_TERM && t == term;
    }

    /**
     * Raft's election restriction (thesis §3.6.1): a log ending at {@code (lastIndex, lastTerm)} is
     * at least as up to date as ours.
     */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /** Result of {@link #maybeAppend} when the entry before the new ones does not match. */
    static final long APPEND_MISMATCH = -1;
    /** Result of {@link #maybeAppend} when the new entries would overwrite a committed one. */
    static final long APPEND_CONFLICTS_WITH_COMMITTED = -2;

    /**
     * A follower's append (thesis §3.5): if the entry at {@code prevIndex} has {@code prevTerm},
     * append the new entries after dropping any conflicting suffix, advance the commit index to
     * {@code min(leaderCommit, last new index)} and return the last new index. Otherwise return
     * {@link #APPEND_MISMATCH}. An append that would overwrite a committed entry can only come
     * from a faulty peer; it changes nothing and returns {@link #APPEND_CONFLICTS_WITH_COMMITTED}.
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return APPEND_MISMATCH;
        }
        long lastNew = prevIndex + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                return APPEND_CONFLICTS_WITH_COMMITTED;
            }
            append(ents.subList((int) (conflict - (prevIndex + 1)), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** Appends at the end (a leader's own entries, or a follower's after conflict removal). */
    long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("append after index " + after + " would overwrite committed index " + committed);
        }
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    /**
     * The index of the first entry of {@code ents} that is missing or whose term differs from ours,
     * or 0 if we hold all of them.
     */
    long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * Fast conflict backtracking (etcd, after the thesis' §3.5 optimisation): the largest index at
     * or below {@code index} whose term is at most {@code term}. Both sides use it: the follower to
     * hint where its log may match, the leader to jump over a whole term the follower lacks.
     * Returns 0 past the start; a compacted index answers itself (the caller then sees an
     * unknown term and falls back to a snapshot).
     */
    long findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long ours = term(index);
            if (ours == UNKNOWN_TERM || ours <= term) {
                return index;
            }
        }
        return 0;
    }

    List<Entry> unstableEntries() {
        return unstable.hasEntries() ? unstable.entries() : List.of();
    }

    boolean hasNextCommittedEntries() {
        return committed > Math.max(applied, firstIndex() - 1);
    }

    /** Committed entries not yet applied, up to {@code maxBytes} (at least one). */
    List<Entry> nextCommittedEntries(long maxBytes) {
        long lo = Math.max(applied + 1, firstIndex());
        if (committed + 1 <= lo) {
            return List.of();
        }
        return slice(lo, committed + 1, maxBytes);
    }

    /** The incoming snapshot if there is one, else the storage's. */
    Snapshot snapshot() {
        Snapshot s = unstable.snapshot();
        return s != null ? s : storage.snapshot();
    }

    boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    void commitTo(long toCommit) {
        if (toCommit > committed) {
            if (toCommit > lastIndex()) {
                throw new IllegalStateException("commit index " + toCommit + " is past last index " + lastIndex());
            }
            committed = toCommit;
        }
    }

    /** Restores the commit index from the persisted hard state. */
    void loadCommit(long commit) {
        if (commit < committed || commit > lastIndex()) {
            throw new IllegalStateException("persisted commit " + commit + " is out of range [" + committed + ", "
                    + lastIndex() + "]");
        }
        committed = commit;
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (index > committed || index < applied) {
            throw new IllegalStateException("applied index " + index + " is out of range [" + applied + ", "
                    + committed + "]");
        }
        applied = index;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /**
     * Commits up to {@code maxIndex} if that entry is of {@code term} (the leader's current term):
     * thesis §3.6.2, a leader commits only entries of its own term by counting replicas.
     */
    boolean maybeCommit(long maxIndex, long term) {
        if (maxIndex > committed && term(maxIndex) == term) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    /** As {@link #maybeCommit}, but without the current-term rule: only for {@link BrokenRule}. */
    boolean maybeCommitAnyTerm(long maxIndex) {
        if (maxIndex > committed && maxIndex <= lastIndex()) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    void restore(Snapshot snap) {
        committed = snap.getMetadata().getIndex();
        unstable.restore(snap);
    }

    /**
     * Entries from {@code lo} to the end, up to {@code maxBytes}; {@code null} when {@code lo} is
     * compacted (the caller sends a snapshot instead).
     */
    List<Entry> entriesFrom(long lo, long maxBytes) {
        if (lo < firstIndex()) {
            return null;
        }
        long last = lastIndex();
        if (lo > last) {
            return List.of();
        }
        try {
            return slice(lo, last + 1, maxBytes);
        } catch (StorageException.Compacted e) {
            return null;
        }
    }

    /** Entries {@code [lo, hi)} from storage and the unstable tail, up to {@code maxBytes}. */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        if (lo > hi || lo < firstIndex() || hi > lastIndex() + 1) {
            throw new IllegalStateException("slice [" + lo + ", " + hi + ") out of bounds [" + firstIndex() + ", "
                    + (lastIndex() + 1) + ")");
        }
        if (lo == hi) {
            return List.of();
        }
        long split = unstable.offset();
        List<Entry> result = null;
        if (lo < split) {
            long stableHi = Math.min(hi, split);
            List<Entry> stored = storage.entries(lo, stableHi, maxBytes);
            if (stored.size() < stableHi - lo || hi <= split) {
                return stored;
            }
            result = new ArrayList<>(stored);
        }
        if (hi > split) {
            List<Entry> tail = unstable.slice(Math.max(lo, split), hi);
            if (result == null) {
                result = tail;
            } else {
                result.addAll(tail);
            }
        }
        return limitSize(result, maxBytes);
    }

    /** The longest prefix of {@code ents} within {@code maxBytes} of serialized size, at least one entry. */
    static List<Entry> limitSize(List<Entry> ents, long maxBytes) {
        if (ents.isEmpty()) {
            return ents;
        }
        long size = ents.get(0).getSerializedSize();
        int n = 1;
        for (; n < ents.size(); n++) {
            size += ents.get(n).getSerializedSize();
            if (size > maxBytes) {
                break;
            }
        }
        return n == ents.size() ? ents : ents.subList(0, n);
    }

    @Override
    public String toString() {
        return "RaftLog{committed=" + committed + ", applied=" + applied + ", unstable.offset=" + unstable.offset()
                + ", first=" + firstIndex() + ", last=" + lastIndex() + "}";
    }
}
