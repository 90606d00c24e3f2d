package io.kvasir.raft.store.peer;

import com.google.protobuf.ByteString;
import io.kvasir.raft.core.ReadState;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One region's linearizable reads on their way through ReadIndex (thesis §6.4; TiKV
 * {@code ReadIndexQueue}): a read asks the leader for a read point, waits until the leader
 * confirms it is still leader ({@link ReadState}), then until this peer has applied up to that
 * index, and only then may it look at the engine. Requests are told apart by a context of eight
 * bytes counting up. Not thread-safe: the driver thread owns it.
 */
final class ReadQueue {

    private record Confirmed(long index, CompletableFuture<Void> future) {
    }

    private final long regionId;
    private final Map<ByteString, CompletableFuture<Void>> asked = new HashMap<>();
    private final ArrayDeque<Confirmed> confirmed = new ArrayDeque<>();
    private long next;

    ReadQueue(long regionId) {
        this.regionId = regionId;
    }

    /** A new request: the context to hand the Raft node. */
    ByteString add(CompletableFuture<Void> future) {
        ByteString ctx = ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(++next).flip());
        asked.put(ctx, future);
        return ctx;
    }

    /** The leader confirmed read points; the reads wait for their index to be applied. */
    void confirmed(Iterable<ReadState> states) {
        for (ReadState rs : states) {
            CompletableFuture<Void> f = asked.remove(rs.requestCtx());
            if (f != null) {
                confirmed.addLast(new Confirmed(rs.index(), f));
            }
        }
    }

    /** This peer applied up to {@code applied}: reads whose point it reached may go. */
    void applied(long applied) {
        // Read points only grow, so the queue is in index order.
        while (!confirmed.isEmpty() && confirmed.peekFirst().index() <= applied) {
            confirmed.pollFirst().future().complete(null);
        }
    }

    /**
     * Leadership changed: reads not yet confirmed will never be (the core drops them), so they
     * fail and the client retries at the new leader. Confirmed ones stay valid: their read point
     * was confirmed while this peer led.
     */
    void leadershipLost(long newLeader) {
        for (CompletableFuture<Void> f : asked.values()) {
            f.completeExceptionally(new PeerException.NotLeader(regionId, newLeader));
        }
        asked.clear();
    }

    void failAll(Throwable cause) {
        asked.values().forEach(f -> f.completeExceptionally(cause));
        asked.clear();
        confirmed.forEach(c -> c.future().completeExceptionally(cause));
        confirmed.clear();
    }

    int size() {
        return asked.size() + confirmed.size();
    }
}
