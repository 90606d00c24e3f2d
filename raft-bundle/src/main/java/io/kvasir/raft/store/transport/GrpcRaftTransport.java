package io.kvasir.raft.store.transport;

import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.store.peer.RaftTransport;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft messages to other stores over gRPC (TiKV's {@code RaftClient}): one {@link StoreConnection}
 * per destination store (a bounded queue and a sender on a long-lived {@code BatchRaft} stream),
 * and a {@link SnapshotSender} for {@code MsgSnapshot}, whose files travel on {@code Snapshot}
 * streams of their own.
 *
 * <p>{@link #send} runs on the Raft loop and never blocks: it offers the message to its store's
 * queue and returns. A message that finds the queue full is dropped and its peer reported
 * {@link RaftTransport.Feedback#unreachable unreachable}; so are the peers of messages lost when
 * a stream fails. Snapshot outcomes come back as {@link RaftTransport.Feedback#snapshotStatus}.
 * Feedback is called on the transport's threads (or, for a full queue, on the caller's).
 *
 * <p>For tests, a {@link MessageDropper} may drop a share of the messages on purpose before they
 * are queued ({@code server.raft-message-drop-ratio}, off by default), as a lossy network would:
 * silently, except that a dropped {@code MsgSnapshot} is reported as not delivered, as a broken
 * snapshot stream would be. A snapshot is only ever dropped whole, never altered.
 */
public final class GrpcRaftTransport implements RaftTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcRaftTransport.class);

    private final TransportSettings settings;
    private final StoreResolver resolver;
    private final Feedback feedback;
    private final TransportClock clock;
    private final SnapshotSender snapshots;
    private final MessageDropper dropper;
    private final AtomicLong droppedOnPurpose = new AtomicLong();
    private final Map<Long, StoreConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param paths    where the snapshots this store sends were generated ({@code paths.generated(key)})
     * @param feedback told about unreachable peers and snapshot outcomes
     */
    public GrpcRaftTransport(TransportSettings settings, StoreResolver resolver, SnapshotPaths paths, Feedback feedback) {
        this(settings, resolver, paths, feedback, TransportClock.SYSTEM);
    }

    /** As above, with the clock reconnection pauses and snapshot throttling run on (tests). */
    public GrpcRaftTransport(TransportSettings settings, StoreResolver resolver, SnapshotPaths paths, Feedback feedback,
                             TransportClock clock) {
        this.settings = settings;
        this.resolver = resolver;
        this.feedback = feedback;
        this.clock = clock;
        this.snapshots = new SnapshotSender(paths, resolver, settings, feedback, clock);
        // With no seed configured, the time is as good a seed as any: it is logged for replay.
        this.dropper = MessageDropper.from(settings, System::nanoTime);
    }

    @Override
    public void send(RaftMessage message) {
        if (closed) {
            return;
        }
        long storeId = message.getToPeer().getStoreId();
        if (storeId == 0) {
            // A peer without a store cannot be reached; Raft drops the message, so do we.
            LOG.debug("dropping a message of region {} to peer {} with no store", message.getRegionId(),
                    message.getToPeer().getId());
            return;
        }
        boolean snapshot = message.getMessage().getMsgType() == Eraftpb.MessageType.MsgSnapshot;
        if (dropper.dropNext()) {
            dropOnPurpose(message, snapshot);
            return;
        }
        if (snapshot) {
            snapshots.send(storeId, message);
            return;
        }
        StoreConnection connection = connections.computeIfAbsent(storeId, this::connect);
        if (closed) {
            // close() ran meanwhile and may have missed the connection just made.
            connections.remove(storeId);
            connection.close();
            return;
        }
        if (!connection.offer(message)) {
            feedback.unreachable(message.getRegionId(), message.getToPeer().getId());
        }
    }

    /**
     * Fault injection: the message is lost as on a lossy network. Nothing tells Raft about a lost
     * message, but a lost snapshot stream is seen by its sender, and the leader waits for that
     * verdict before it tries again.
     */
    private void dropOnPurpose(RaftMessage message, boolean snapshot) {
        droppedOnPurpose.incrementAndGet();
        LOG.debug("fault injection: dropped {} of region {} to peer {}", message.getMessage().getMsgType(),
                message.getRegionId(), message.getToPeer().getId());
        if (snapshot) {
            feedback.snapshotStatus(message.getRegionId(), message.getToPeer().getId(), false);
        }
    }

    /** Messages dropped by fault injection so far. */
    long droppedOnPurpose() {
        return droppedOnPurpose.get();
    }

    private StoreConnection connect(long storeId) {
        StoreConnection c = new StoreConnection(storeId, settings, resolver, feedback, clock);
        c.start();
        return c;
    }

    /** The connection to {@code storeId}, or null if nothing was sent there yet (tests). */
    StoreConnection connection(long storeId) {
        return connections.get(storeId);
    }

    /** The snapshot sender (tests). */
    SnapshotSender snapshots() {
        return snapshots;
    }

    /** Stops every sender and closes every connection; what is still queued is dropped unreported. */
    @Override
    public void close() {
        closed = true;
        for (StoreConnection c : connections.values()) {
            c.close();
        }
        connections.clear();
        snapshots.close();
    }
}
