package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One region's proposals waiting to be applied, each with the future its caller holds (TiKV
 * {@code ProposalQueue}, keyed by log index and term).
 *
 * <p>The core does not say at which index it appended a proposal, so a proposal is placed in two
 * steps. {@link #add} records it as <em>unplaced</em>, with the leader's term. Everything the
 * core appended since the last Ready is in the next Ready's entries, in order, so
 * {@link #placed} matches the unplaced proposals, in order, to that Ready's entries of the same
 * term carrying the same data; a proposal left unmatched was dropped and fails. Placed
 * proposals are completed by {@link #take} when their index is applied: with the entry of the
 * same term, it is theirs; with another term, a new leader overwrote it and the proposal fails.
 * Not thread-safe: the driver thread owns it.
 */
final class ProposalQueue {

    private static final class Proposal {
        final long term;
        final ByteString data;
        final CompletableFuture<Void> future;
        long index;

        Proposal(long term, ByteString data, CompletableFuture<Void> future) {
            this.term = term;
            this.data = data;
            this.future = future;
        }
    }

    private final long regionId;
    private final ArrayDeque<Proposal> unplaced = new ArrayDeque<>();
    /** Placed proposals in index order. */
    private final ArrayDeque<Proposal> placed = new ArrayDeque<>();

    ProposalQueue(long regionId) {
        this.regionId = regionId;
    }

    /** A proposal the core took at {@code term}; its entry is in the next Ready. */
    void add(long term, ByteString data, CompletableFuture<Void> future) {
        unplaced.addLast(new Proposal(term, data, future));
    }

    /**
     * The entries of a Ready were persisted: place the unplaced proposals on them, and fail placed
     * proposals whose entries these overwrote (a new leader's entries replacing a deposed one's).
     */
    void placed(List<Entry> entries) {
        if (!entries.isEmpty()) {
            failOverwritten(entries);
        }
        Iterator<Entry> it = entries.iterator();
        while (!unplaced.isEmpty() && it.hasNext()) {
            Entry e = it.next();
            Proposal p = unplaced.peekFirst();
            // A command's entry carries the command, a membership change's the ConfChangeV2.
            if (e.getTerm() == p.term && (e.getData() == p.data || e.getData().equals(p.data))) {
                p.index = e.getIndex();
                placed.addLast(unplaced.pollFirst());
            }
        }
        while (!unplaced.isEmpty()) {
            unplaced.pollFirst().future.completeExceptionally(
                    new PeerException.ProposalAborted(regionId, "the proposal was dropped before it reached the log"));
        }
    }

    private void failOverwritten(List<Entry> entries) {
        long first = entries.get(0).getIndex();
        Iterator<Proposal> it = placed.descendingIterator();
        while (it.hasNext()) {
            Proposal p = it.next();
            if (p.index < first) {
                break;
            }
            Entry replacing = p.index - first < entries.size() ? entries.get((int) (p.index - first)) : null;
            if (replacing == null || replacing.getTerm() != p.term) {
                it.remove();
                p.future.completeExceptionally(overwritten(p));
            }
        }
    }

    /**
     * The future of the proposal at {@code index} if the applied entry there, of {@code term}, is
     * its own; null if there is none. Proposals at lower indexes that are still waiting were
     * overwritten, and fail, as does the one at {@code index} if the term differs.
     */
    CompletableFuture<Void> take(long index, long term) {
        while (!placed.isEmpty() && placed.peekFirst().index <= index) {
            Proposal p = placed.pollFirst();
            if (p.index == index && p.term == term) {
                return p.future;
            }
            p.future.completeExceptionally(overwritten(p));
        }
        return null;
    }

    /** Fails every waiting proposal with {@code cause}. */
    void failAll(Throwable cause) {
        while (!unplaced.isEmpty()) {
            unplaced.pollFirst().future.completeExceptionally(cause);
        }
        while (!placed.isEmpty()) {
            placed.pollFirst().future.completeExceptionally(cause);
        }
    }

    int size() {
        return unplaced.size() + placed.size();
    }

    private PeerException overwritten(Proposal p) {
        return new PeerException.ProposalAborted(regionId, "the entry at index " + p.index + " of term " + p.term
                + " was overwritten by a new leader; the command was not applied");
    }
}
