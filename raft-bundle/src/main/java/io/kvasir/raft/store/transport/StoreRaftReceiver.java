package io.kvasir.raft.store.transport;

import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.raft.api.RaftMessageReceiver;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's {@link RaftMessageReceiver}: plain messages go straight to {@code deliver} (the
 * store's Raft loop, which queues them); snapshots are written to disk first ({@link
 * ReceivingSnapshot}) and delivered once whole and checked.
 *
 * <p>{@link #receiveSnapshot} refuses, with {@link IllegalArgumentException}, a header that is
 * not a snapshot ({@code MsgSnapshot} whose data is a {@code RaftSnapshotData} listing distinct,
 * known column families of plausible sizes) and a snapshot whose key is already being received;
 * and, with {@link IllegalStateException}, one beyond {@code concurrent-recv-snap-limit} receives
 * at once (the sender retries later).
 */
public final class StoreRaftReceiver implements RaftMessageReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRaftReceiver.class);

    private final SnapshotPaths paths;
    private final Consumer<RaftMessage> deliver;
    private final int maxConcurrentReceives;
    // Guarded by itself.
    private final Set<SnapKey> receiving = new HashSet<>();

    /**
     * @param paths                 where snapshots are received ({@code receiving(key)}, then {@code received(key)})
     * @param deliver               the store's entry for a message, e.g. its Raft loop's step; must not block
     * @param maxConcurrentReceives snapshots received at once ({@link TransportSettings#concurrentRecvSnapLimit()})
     */
    public StoreRaftReceiver(SnapshotPaths paths, Consumer<RaftMessage> deliver, int maxConcurrentReceives) {
        if (maxConcurrentReceives <= 0) {
            throw new IllegalArgumentException("maxConcurrentReceives must be positive, got " + maxConcurrentReceives);
        }
        this.paths = paths;
        this.deliver = deliver;
        this.maxConcurrentReceives = maxConcurrentReceives;
    }

    @Override
    public void receive(RaftMessage message) {
        if (message.getMessage().getMsgType() == Eraftpb.MessageType.MsgSnapshot) {
            // Its files can only come on a Snapshot stream; without them the store could not apply it.
            LOG.debug("dropping a snapshot message of region {} that came without its files", message.getRegionId());
            return;
        }
        deliver.accept(message);
    }

    @Override
    public SnapshotSink receiveSnapshot(RaftMessage header) {
        SnapshotHeader parsed = SnapshotHeader.parse(header);
        SnapKey key = parsed.key();
        synchronized (receiving) {
            if (receiving.contains(key)) {
                throw new IllegalArgumentException("snapshot " + key + " is already being received");
            }
            if (receiving.size() >= maxConcurrentReceives) {
                throw new IllegalStateException("too many snapshots being received (" + receiving.size()
                        + "); snapshot " + key + " must be sent again later");
            }
            receiving.add(key);
        }
        return ReceivingSnapshot.open(header, parsed, paths, deliver, () -> release(key));
    }

    private void release(SnapKey key) {
        synchronized (receiving) {
            receiving.remove(key);
        }
    }

    /** Snapshots being received now (tests, stats). */
    int receivingCount() {
        synchronized (receiving) {
            return receiving.size();
        }
    }
}
