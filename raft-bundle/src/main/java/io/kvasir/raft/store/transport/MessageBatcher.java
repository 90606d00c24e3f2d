package io.kvasir.raft.store.transport;

import com.google.protobuf.CodedOutputStream;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a store's queue into {@code BatchRaftMessage}s: whatever is queued, up to
 * {@code maxCount} messages and {@code maxBytes} encoded bytes (TiKV's
 * {@code raft-msg-max-batch-size} and {@code max-grpc-send-msg-len}). It never waits for a batch
 * to fill: a lone message goes at once, and batches grow by themselves when messages arrive faster
 * than the stream takes them. A message that would overflow the byte bound is held for the next
 * batch; one larger than the bound goes alone. Not thread-safe: the connection's sender owns it.
 */
final class MessageBatcher {
    /** Field number of {@code BatchRaftMessage.msgs}. */
    private static final int MSGS_FIELD = 1;

    private final int maxCount;
    private final long maxBytes;
    private RaftMessage held;

    MessageBatcher(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /**
     * The next batch: the held message or the first to arrive within {@code pollMillis}, and
     * whatever else is queued that fits. Null if nothing arrived in time.
     */
    BatchRaftMessage next(BlockingQueue<RaftMessage> queue, long pollMillis) throws InterruptedException {
        RaftMessage first = held != null ? held : queue.poll(pollMillis, TimeUnit.MILLISECONDS);
        held = null;
        if (first == null) {
            return null;
        }
        BatchRaftMessage.Builder batch = BatchRaftMessage.newBuilder().addMsgs(first);
        long bytes = encodedSize(first);
        while (batch.getMsgsCount() < maxCount) {
            RaftMessage m = queue.poll();
            if (m == null) {
                break;
            }
            long size = encodedSize(m);
            if (bytes + size > maxBytes) {
                held = m;
                break;
            }
            batch.addMsgs(m);
            bytes += size;
        }
        return batch.build();
    }

    /**
     * Waits up to {@code pollMillis} for traffic without taking it for a batch yet: the message
     * becomes the head of the next one. True if a message is waiting.
     */
    boolean awaitMessage(BlockingQueue<RaftMessage> queue, long pollMillis) throws InterruptedException {
        if (held == null) {
            held = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
        }
        return held != null;
    }

    /** Gives up the held message, if any (the connection failed and reports it). */
    RaftMessage takeHeld() {
        RaftMessage m = held;
        held = null;
        return m;
    }

    /** What a message adds to the batch's encoding: tag, length and body. */
    static long encodedSize(RaftMessage m) {
        return CodedOutputStream.computeMessageSize(MSGS_FIELD, m);
    }
}
