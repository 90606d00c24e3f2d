package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.List;

/**
 * Everything a {@link RawNode} needs done after some input: what to persist, what to send, what to
 * apply, which reads are confirmed. The contract (etcd {@code doc.go} and {@code MustSync}), in
 * order:
 *
 * <ol>
 *   <li><b>Persist</b> {@link #snapshot()} (if not null: it replaces the log), then append
 *       {@link #entries()} (dropping any stored entry at or after the first one's index), then
 *       {@link #hardState()} (if not null). If {@link #mustSync()}, make all of it durable (fsync)
 *       before going on.</li>
 *   <li><b>Send</b> {@link #messages()} — only now. Every one of them may rest on the state just
 *       persisted: a vote response on the vote in the hard state; an append response on the
 *       entries (the leader counts it toward commitment); a leader's own appends on its copy of
 *       the entries, which it counts toward the quorum at once. Sending any of them before step 1
 *       is durable could lose a committed entry or split a vote across a crash. (This is stricter
 *       than etcd, which lets a leader send appends while persisting; it costs a leader one
 *       fsync of latency and keeps the rule uniform.)</li>
 *   <li><b>Apply</b>: if {@link #snapshot()} is not null, restore the state machine from it; then
 *       apply {@link #committedEntries()} in order, calling {@link RawNode#applyConfChange} for each
 *       membership change. Committed entries may include entries of this very Ready (a single-voter
 *       group commits at once), which is why applying comes after persisting.</li>
 *   <li><b>Read</b>: serve each of {@link #readStates()} once the applied index reaches its index.</li>
 *   <li>Call {@link RawNode#advance(Ready)}. No other Ready is handed out until then; input
 *       ({@code step}, {@code tick}, proposals) may continue meanwhile.</li>
 * </ol>
 */
public final class Ready {

    private final SoftState softState;
    private final HardState hardState;
    private final List<ReadState> readStates;
    private final List<Entry> entries;
    private final Snapshot snapshot;
    private final List<Entry> committedEntries;
    private final List<Message> messages;
    private final boolean mustSync;

    Ready(SoftState softState, HardState hardState, List<ReadState> readStates, List<Entry> entries,
            Snapshot snapshot, List<Entry> committedEntries, List<Message> messages, boolean mustSync) {
        this.softState = softState;
        this.hardState = hardState;
        this.readStates = readStates;
        this.entries = entries;
        this.snapshot = snapshot;
        this.committedEntries = committedEntries;
        this.messages = messages;
        this.mustSync = mustSync;
    }

    /** The leader and role, if they changed since the last Ready; else null. Not persisted. */
    public SoftState softState() {
        return softState;
    }

    /** Term, vote and commit index to persist, if they changed since the last Ready; else null. */
    public HardState hardState() {
        return hardState;
    }

    /** Reads confirmed since the last Ready. */
    public List<ReadState> readStates() {
        return readStates;
    }

    /** Entries to append to storage. */
    public List<Entry> entries() {
        return entries;
    }

    /** A snapshot received from the leader, to persist and restore from; null if none. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Entries known committed and not yet handed out, to apply in order. */
    public List<Entry> committedEntries() {
        return committedEntries;
    }

    /** Messages to send once everything above is persisted. */
    public List<Message> messages() {
        return messages;
    }

    /**
     * Whether the writes of this Ready must be durable (fsync) before messages go out: new entries,
     * a snapshot, or a new term or vote. A changed commit index alone need not be: it can be
     * re-learnt from the leader.
     */
    public boolean mustSync() {
        return mustSync;
    }

    /** Deterministic text for tests and logs (see {@link Describe#ready}). */
    public String describe() {
        return Describe.ready(this);
    }

    @Override
    public String toString() {
        return describe();
    }
}
