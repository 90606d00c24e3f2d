package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log not yet handed to storage: an optional incoming snapshot and the entries
 * after it (etcd {@code log_unstable.go}). Entry {@code i} sits at {@code entries[i - offset]}.
 *
 * <p>Invariants: when a snapshot is held, {@code offset == snapshot.index + 1}; entries are
 * contiguous from {@code offset}.
 */
final class Unstable {

    /** Returned by the {@code maybe*} methods when they do not know. */
    static final long UNKNOWN = -1;

    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    Unstable(long offset) {
        this.offset = offset;
    }

    long offset() {
        return offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    boolean hasEntries() {
        return !entries.isEmpty();
    }

    /** A copy of the unstable entries. */
    List<Entry> entries() {
        return List.copyOf(entries);
    }

    long maybeFirstIndex() {
        return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : UNKNOWN;
    }

    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot != null ? snapshot.getMetadata().getIndex() : UNKNOWN;
    }

    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
                return snapshot.getMetadata().getTerm();
            }
            return UNKNOWN;
        }
        long last = maybeLastIndex();
        if (last == UNKNOWN || index > last) {
            return UNKNOWN;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    /** Entries up to {@code index} with term {@code term} are now stable; forget them if still ours. */
    void stableTo(long index, long term) {
        long known = maybeTerm(index);
        if (known == term && index >= offset) {
            entries.subList(0, (int) (index + 1 - offset)).clear();
            offset = index + 1;
        }
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot snap) {
        offset = snap.getMetadata().getIndex() + 1;
        entries.clear();
        snapshot = snap;
    }

    /** Appends {@code ents}, first dropping any unstable entry at or after {@code ents[0].index}. */
    void truncateAndAppend(List<Entry> ents) {
        long after = ents.get(0).getIndex();
        if (after == offset + entries.size()) {
            entries.addAll(ents);
        } else if (after <= offset) {
            // Replaces all unstable entries; storage truncates its own tail when these are persisted.
            offset = after;
            entries.clear();
            entries.addAll(ents);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(ents);
        }
    }

    /** A copy of entries {@code [lo, hi)}, which must lie within the unstable entries. */
    List<Entry> slice(long lo, long hi) {
        long upper = offset + entries.size();
        if (lo > hi || lo < offset || hi > upper) {
            throw new IllegalStateException("unstable slice [" + lo + ", " + hi + ") out of bounds [" + offset + ", "
                    + upper + ")");
        }
        return new ArrayList<>(entries.subList((int) (lo - offset), (int) (hi - offset)));
    }
}
