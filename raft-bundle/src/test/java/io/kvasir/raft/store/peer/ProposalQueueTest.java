package io.kvasir.raft.store.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.Entry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ProposalQueueTest {

    private final ProposalQueue queue = new ProposalQueue(1);

    private static Entry entry(long index, long term, String data) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(PeerFixtures.bytes(data)).build();
    }

    private static Throwable cause(CompletableFuture<Void> f) {
        assertTrue(f.isCompletedExceptionally());
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void proposalsArePlacedOnTheirEntriesInOrderAndTakenWhenApplied() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        ByteString same = PeerFixtures.bytes("x");
        queue.add(6, same, a);
        queue.add(6, PeerFixtures.bytes("x"), b); // equal data: told apart by order
        // The new leader's empty entry comes first and is no one's.
        queue.placed(List.of(Entry.newBuilder().setIndex(10).setTerm(6).build(), entry(11, 6, "x"), entry(12, 6, "x")));
        assertEquals(2, queue.size());
        assertNull(queue.take(10, 6));
        assertSame(a, queue.take(11, 6));
        assertSame(b, queue.take(12, 6));
        assertEquals(0, queue.size());
    }

    @Test
    void aProposalMissingFromTheReadyWasDropped() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        queue.add(6, PeerFixtures.bytes("x"), a);
        queue.placed(List.of(entry(11, 7, "x"))); // another term: not ours
        assertInstanceOf(PeerException.ProposalAborted.class, cause(a));
    }

    @Test
    void anOverwrittenEntryFailsItsProposal() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        queue.add(6, PeerFixtures.bytes("a"), a);
        queue.add(6, PeerFixtures.bytes("b"), b);
        queue.placed(List.of(entry(11, 6, "a"), entry(12, 6, "b")));
        // A new leader of term 7 replaces index 12 (persisted in a later Ready).
        queue.placed(List.of(entry(12, 7, "other")));
        assertInstanceOf(PeerException.ProposalAborted.class, cause(b));
        assertFalse(a.isDone());
        // And if index 11 is applied with another term, a fails too.
        assertNull(queue.take(11, 7));
        assertInstanceOf(PeerException.ProposalAborted.class, cause(a));
    }

    @Test
    void failAllFailsWaitingAndUnplacedProposals() {
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        queue.add(6, PeerFixtures.bytes("a"), a);
        queue.placed(List.of(entry(11, 6, "a")));
        queue.add(6, PeerFixtures.bytes("b"), b);
        PeerException.Closed closed = new PeerException.Closed(1, "the peer");
        queue.failAll(closed);
        assertSame(closed, cause(a));
        assertSame(closed, cause(b));
    }
}
