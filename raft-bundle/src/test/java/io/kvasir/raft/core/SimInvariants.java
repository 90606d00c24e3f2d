package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety properties the simulator checks after every event, incrementally (thesis figure 3.2,
 * plus durability and linearizable reads). Each check looks only at what the event changed, so a
 * run stays fast; a violation throws {@link Violation} naming the property and the values.
 *
 * <ul>
 *   <li><b>Election safety</b>: at most one leader per term.</li>
 *   <li><b>Log matching</b>: two logs holding an entry of the same index and term agree on it and
 *       on the term of the entry before it (which, by induction, makes their prefixes equal).</li>
 *   <li><b>Leader completeness</b>: a new leader holds the highest entry known committed.</li>
 *   <li><b>State machine safety</b>: no two nodes apply different entries at one index.</li>
 *   <li><b>Durability</b>: persisted term and commit never go back, a vote once persisted never
 *       changes within its term, and a restarted node's log agrees with every applied entry.</li>
 *   <li><b>Linearizable reads</b>: a read's index, and the state it returns, cover every write
 *       acknowledged (applied anywhere) before the read began.</li>
 * </ul>
 */
final class SimInvariants {

    /** A broken safety property. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Violation(String property, String details) {
            super(property + ": " + details);
        }
    }

    private record Facts(long prevTerm, EntryType type, ByteString data) {}

    private record Applied(long term, EntryType type, ByteString data) {}

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Long, Facts> entries = new HashMap<>();
    private final Map<Long, Applied> applied = new HashMap<>();
    private final Map<Long, Long> leaderTermChecked = new HashMap<>();
    /** The highest index known committed anywhere, and its term. */
    private long committedIndex;
    private long committedTerm;
    /** The highest index of a write applied anywhere: acknowledged to its client. */
    long ackedIndex;
    /** Founding members start from a bootstrap snapshot at index 1 ({@link MemoryLogStorage#bootstrap}). */
    long maxAppliedIndex = 1;
    long readsServed;
    long leadersSeen;
    long confChangesApplied;
    long snapshotsRestored;
    private ByteString watched;
    private boolean watchedApplied;

    /** Notes when an entry carrying {@code data} is applied anywhere. */
    void watch(ByteString data) {
        this.watched = data;
    }

    boolean watchedApplied() {
        return watchedApplied;
    }

    /** After any event that touched {@code n}. */
    void afterEvent(SimNode n) {
        if (!n.up) {
            return;
        }
        Raft r = n.raft();
        // Committed as the world can know it: persisted (a lone voter commits in memory first, but
        // nobody learns of it before its Ready is persisted).
        long c = n.storage.hardState().getCommit();
        if (c > committedIndex) {
            long t = r.raftLog.term(c);
            if (t == RaftLog.UNKNOWN_TERM) {
                throw new Violation("commit", "node " + n.id + " commit " + c + " has no known term: " + r);
            }
            committedIndex = c;
            committedTerm = t;
        }
        // A leader counts once its term and self-vote are durable: a lone voter leads in memory at
        // once, but a crash before that Ready is persisted leaves no trace of it anywhere.
        HardState hs = n.storage.hardState();
        if (r.state() != StateRole.LEADER || hs.getTerm() != r.term || hs.getVote() != n.id) {
            return;
        }
        Long prior = leaderOfTerm.putIfAbsent(r.term, n.id);
        if (prior != null && prior != n.id) {
            throw new Violation("election safety", "nodes " + prior + " and " + n.id + " both lead term " + r.term);
        }
        Long checked = leaderTermChecked.get(n.id);
        if (checked == null || checked != r.term) {
            leaderTermChecked.put(n.id, r.term);
            leadersSeen++;
            checkLeaderCompleteness(n, r);
        }
    }

    private void checkLeaderCompleteness(SimNode n, Raft r) {
        if (committedIndex == 0 || committedIndex < r.raftLog.firstIndex() - 1) {
            return; // compacted past it: the snapshot covers it (and snapshots are of committed state)
        }
        long t = r.raftLog.term(committedIndex);
        if (t != committedTerm) {
            throw new Violation("leader completeness", "node " + n.id + " leads term " + r.term + " but holds term "
                    + t + " at committed index " + committedIndex + " (committed term " + committedTerm + ")");
        }
    }

    /** Before {@code n} persists {@code rd}: what it is about to make durable. */
    void beforePersist(SimNode n, Ready rd) {
        Raft r = n.raft();
        List<Entry> ents = rd.entries();
        for (int i = 0; i < ents.size(); i++) {
            Entry e = ents.get(i);
            long prevTerm = i == 0 ? r.raftLog.term(e.getIndex() - 1) : ents.get(i - 1).getTerm();
            Facts f = new Facts(prevTerm, e.getEntryType(), e.getData());
            Facts seen = entries.putIfAbsent(e.getTerm() << 32 | e.getIndex(), f);
            if (seen != null && !seen.equals(f)) {
                throw new Violation("log matching", "node " + n.id + " holds " + Describe.entry(e) + " after term "
                        + prevTerm + "; another log holds " + e.getTerm() + "/" + e.getIndex() + " " + seen.type
                        + " " + Describe.data(seen.data) + " after term " + seen.prevTerm);
            }
        }
        HardState old = n.storage.hardState();
        HardState hs = rd.hardState();
        if (hs != null) {
            if (hs.getTerm() < old.getTerm() || hs.getCommit() < old.getCommit()) {
                throw new Violation("durability", "node " + n.id + " persisted state goes back from "
                        + Describe.hardState(old) + " to " + Describe.hardState(hs));
            }
            if (hs.getTerm() == old.getTerm() && old.getVote() != 0 && hs.getVote() != old.getVote()) {
                throw new Violation("durability", "node " + n.id + " changes its vote in term " + hs.getTerm()
                        + " from " + old.getVote() + " to " + hs.getVote());
            }
        }
    }

    /** {@code n} applies {@code e}. */
    void onApply(SimNode n, Entry e) {
        Applied a = new Applied(e.getTerm(), e.getEntryType(), e.getData());
        Applied seen = applied.putIfAbsent(e.getIndex(), a);
        if (seen != null && !seen.equals(a)) {
            throw new Violation("state machine safety", "node " + n.id + " applies " + Describe.entry(e)
                    + " where another node applied " + seen.term + "/" + e.getIndex() + " " + seen.type + " "
                    + Describe.data(seen.data));
        }
        if (e.getIndex() != n.applied + 1) {
            throw new Violation("apply order", "node " + n.id + " applies " + e.getIndex() + " after " + n.applied);
        }
        maxAppliedIndex = Math.max(maxAppliedIndex, e.getIndex());
        if (watched != null && watched.equals(e.getData())) {
            watchedApplied = true;
        }
        if (e.getEntryType() == EntryType.EntryNormal && !e.getData().isEmpty()) {
            ackedIndex = Math.max(ackedIndex, e.getIndex());
        } else if (e.getEntryType() != EntryType.EntryNormal) {
            confChangesApplied++;
        }
    }

    void onSnapshotRestored(SimNode n, Snapshot s) {
        snapshotsRestored++;
        long index = s.getMetadata().getIndex();
        Applied a = applied.get(index);
        if (a != null && a.term != s.getMetadata().getTerm()) {
            throw new Violation("state machine safety", "node " + n.id + " restores a snapshot at " + index + " of term "
                    + s.getMetadata().getTerm() + " but term " + a.term + " was applied there");
        }
        if (index > maxAppliedIndex) {
            throw new Violation("snapshot", "node " + n.id + " restores a snapshot at " + index
                    + " past anything ever applied (" + maxAppliedIndex + ")");
        }
    }

    /**
     * A node restarted from its storage: what it persisted as committed may not contradict what was
     * applied (past its commit index it may hold stale entries a leader will overwrite).
     */
    void onRestart(SimNode n) {
        long last = Math.min(n.storage.lastIndex(), n.storage.hardState().getCommit());
        for (long i = n.storage.firstIndex(); i <= last; i++) {
            Applied a = applied.get(i);
            long t = n.storage.term(i);
            if (a != null && a.term != t) {
                throw new Violation("durability", "node " + n.id + " restarts with term " + t + " at index " + i
                        + " where term " + a.term + " was applied");
            }
        }
    }

    void onReadIndex(SimNode n, SimNode.PendingRead r) {
        if (r.readIndex < r.mustSee) {
            throw new Violation("linearizable read", "node " + n.id + " got read index " + r.readIndex + " for "
                    + Describe.data(r.ctx) + " but write at " + r.mustSee + " was acknowledged before the read began");
        }
    }

    void onReadServed(SimNode n, SimNode.PendingRead r, long appliedIndex) {
        readsServed++;
        if (appliedIndex < r.mustSee) {
            throw new Violation("linearizable read", "node " + n.id + " served " + Describe.data(r.ctx) + " at applied "
                    + appliedIndex + " but write at " + r.mustSee + " was acknowledged before the read began");
        }
    }

    long committedIndex() {
        return committedIndex;
    }
}
