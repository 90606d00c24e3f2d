package io.kvasir.raft.store.transport;

import io.grpc.ManagedChannel;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.kvproto.Tikvpb.BatchRaftMessage;
import io.kvasir.raft.store.peer.RaftTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft traffic to one store (TiKV's {@code RaftClient} connection): a bounded queue the Raft
 * loop offers to without blocking, and a sender thread that drains it in batches onto one
 * long-lived {@code BatchRaft} stream.
 *
 * <h2>Failure</h2>
 * When the stream fails (or cannot be opened, or the address cannot be resolved), the sender
 * reports every peer it sent to on that stream as unreachable, since any of those messages may be
 * lost, and drops what is still queued, reporting those peers too: Raft messages go stale fast,
 * and the leaders resend what matters once they probe again. It then forgets the store's address,
 * waits (exponential {@link Backoff}, on the injected clock) and, once there is something to send,
 * reconnects, resolving afresh: a store nobody writes to is not dialled. While it waits, new
 * messages queue up to the bound; beyond it they are dropped by {@link GrpcRaftTransport}, which
 * reports them.
 *
 * <p>Messages to one store leave in the order they were queued, on one stream, so they arrive in
 * that order.
 */
final class StoreConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreConnection.class);
    /** How long the sender waits for a message before it looks at the stream again. */
    private static final long POLL_MILLIS = 100;
    private static final long JOIN_MILLIS = 5_000;
    private static final int QUIET_ATTEMPTS = 10;

    private final long storeId;
    private final TransportSettings settings;
    private final StoreResolver resolver;
    private final RaftTransport.Feedback feedback;
    private final TransportClock clock;
    private final BlockingQueue<RaftMessage> queue;
    private final MessageBatcher batcher;
    private final Backoff backoff;
    private final Thread sender;
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean closed;
    private volatile ManagedChannel channel;

    /** What one connection attempt came to. */
    private static final class Attempt {
        final Set<TargetPeer> sentTo = new HashSet<>();
        boolean connected;
        Throwable cause;
    }

    StoreConnection(long storeId, TransportSettings settings, StoreResolver resolver,
                    RaftTransport.Feedback feedback, TransportClock clock) {
        this.storeId = storeId;
        this.settings = settings;
        this.resolver = resolver;
        this.feedback = feedback;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.raftClientQueueSize());
        this.batcher = new MessageBatcher(settings.raftMsgMaxBatchSize(), settings.maxGrpcSendMsgLen());
        this.backoff = new Backoff(settings.initialReconnectBackoff(), settings.maxReconnectBackoff());
        this.sender = new Thread(this::run, "kvasir-raft-client-" + storeId);
        this.sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    /** Queues {@code message}; false if the queue is full or the connection closed (the caller reports it). */
    boolean offer(RaftMessage message) {
        return !closed && queue.offer(message);
    }

    /** Messages waiting to be sent. */
    int queued() {
        return queue.size();
    }

    /** Batches handed to a stream so far. */
    long batchesSent() {
        return batchesSent.get();
    }

    /** Streams that became ready (connections that worked) so far. */
    long connections() {
        return connections.get();
    }

    private void run() {
        int failuresInARow = 0;
        try {
            while (!closed) {
                // Connect only for traffic: a store that is gone costs nothing while nobody writes to it.
                if (!batcher.awaitMessage(queue, POLL_MILLIS)) {
                    continue;
                }
                Attempt attempt = new Attempt();
                try {
                    stream(attempt);
                    if (closed) {
                        break;
                    }
                    reportLost(attempt.sentTo);
                    resolver.invalidate(storeId);
                } catch (RuntimeException e) {
                    attempt.cause = e;
                    LOG.error("the Raft sender to store {} failed: {}", storeId, e.toString(), e);
                }
                if (attempt.connected) {
                    backoff.reset();
                    failuresInARow = 0;
                }
                failuresInARow++;
                Duration pause = backoff.next();
                logFailure(attempt, failuresInARow, pause);
                clock.sleep(pause);
            }
        } catch (InterruptedException e) {
            // Closing.
        } finally {
            queue.clear();
        }
    }

    /** One connection: resolve, open the stream, send until it ends or the connection closes. */
    private void stream(Attempt attempt) throws InterruptedException {
        ManagedChannel ch = null;
        OutboundCall<BatchRaftMessage, Done> call = new OutboundCall<>();
        try {
            ch = RaftChannels.open(resolver.resolve(storeId), settings);
            channel = ch;
            if (closed) {
                return;
            }
            TikvGrpc.newStub(ch).batchRaft(call);
            while (!closed && call.awaitReady()) {
                if (!attempt.connected) {
                    attempt.connected = true;
                    connections.incrementAndGet();
                }
                BatchRaftMessage batch = batcher.next(queue, POLL_MILLIS);
                if (batch != null) {
                    for (RaftMessage m : batch.getMsgsList()) {
                        attempt.sentTo.add(TargetPeer.of(m));
                    }
                    call.send(batch);
                    batchesSent.incrementAndGet();
                }
            }
            attempt.cause = call.failure() != null ? call.failure()
                    : new IllegalStateException("store " + storeId + " ended the BatchRaft stream");
        } catch (RuntimeException e) {
            attempt.cause = e;
        } finally {
            if (!call.ended()) {
                call.cancel("connection closed");
            }
            channel = null;
            RaftChannels.close(ch);
        }
    }

    /** Reports every peer a lost message was for, once each: those sent on the failed stream, and those still queued. */
    private void reportLost(Set<TargetPeer> sentTo) {
        Set<TargetPeer> lost = new HashSet<>(sentTo);
        RaftMessage held = batcher.takeHeld();
        if (held != null) {
            lost.add(TargetPeer.of(held));
        }
        List<RaftMessage> queued = new ArrayList<>();
        queue.drainTo(queued);
        for (RaftMessage m : queued) {
            lost.add(TargetPeer.of(m));
        }
        for (TargetPeer p : lost) {
            try {
                feedback.unreachable(p.regionId(), p.peerId());
            } catch (RuntimeException e) {
                LOG.warn("reporting peer {} of region {} unreachable failed: {}", p.peerId(), p.regionId(), e.toString());
            }
        }
    }

    private void logFailure(Attempt attempt, int failuresInARow, Duration pause) {
        String cause = attempt.cause == null ? "closed" : attempt.cause.getMessage();
        if (attempt.connected) {
            LOG.warn("Raft stream to store {} broke ({}); reconnecting in {} ms", storeId, cause, pause.toMillis());
        } else if (failuresInARow % QUIET_ATTEMPTS == 1) {
            LOG.info("store {} is not reachable ({}); attempt {}, next in {} ms", storeId, cause, failuresInARow,
                    pause.toMillis());
        } else {
            LOG.debug("store {} is not reachable ({}); attempt {}", storeId, cause, failuresInARow);
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        RaftChannels.close(channel);
        if (Thread.currentThread() != sender) {
            try {
                sender.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        queue.clear();
    }
}
