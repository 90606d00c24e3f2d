package io.kvasir.raft.store.transport;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.kvasir.kvproto.RaftServerpb.Done;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;
import io.kvasir.kvproto.RaftServerpb.SnapshotChunk;
import io.kvasir.kvproto.TikvGrpc;
import io.kvasir.raft.store.peer.RaftTransport;
import io.kvasir.raft.store.snap.SnapKey;
import io.kvasir.raft.store.snap.SnapshotPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends region snapshots over the {@code Snapshot} stream (TiKV's {@code snap::send_snap}): the
 * first chunk carries the {@code MsgSnapshot} message, the following ones the bytes of the files
 * in {@code paths.generated(key)}, in {@code cf_files} order. Each send has a thread and a fresh
 * channel of its own, so a snapshot never queues behind, or delays, a store's Raft messages.
 *
 * <p>At most {@code concurrent-send-snap-limit} sends run at once; one more is refused at once
 * (delivered = false), as TiKV does, and the leader tries again later. All sends share one
 * {@link RateLimiter}. Every send ends in exactly one {@code snapshotStatus}: true once the
 * receiver answered {@code Done} (it checked and took the files), false on any failure, including
 * the transport closing while it runs. The files
 * are left in place: the store decides when a generated snapshot can go.
 */
final class SnapshotSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);
    private static final long SHUTDOWN_MILLIS = 5_000;

    private final SnapshotPaths paths;
    private final StoreResolver resolver;
    private final TransportSettings settings;
    private final RaftTransport.Feedback feedback;
    private final RateLimiter limiter;
    private final Semaphore permits;
    private final Set<ManagedChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final ExecutorService executor;
    private volatile boolean closed;

    SnapshotSender(SnapshotPaths paths, StoreResolver resolver, TransportSettings settings,
                   RaftTransport.Feedback feedback, TransportClock clock) {
        this.paths = paths;
        this.resolver = resolver;
        this.settings = settings;
        this.feedback = feedback;
        this.limiter = new RateLimiter(settings.snapMaxWriteBytesPerSec(), settings.snapChunkSize(), clock);
        this.permits = new Semaphore(settings.concurrentSendSnapLimit());
        // Threads only as many as permits can be held: the semaphore bounds the pool.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kvasir-snap-sender-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sending {@code message}'s snapshot to its {@code to_peer}'s store. Never blocks. */
    void send(long storeId, RaftMessage message) {
        if (closed || !permits.tryAcquire()) {
            LOG.warn("snapshot {} to store {} refused: {}", describe(message), storeId,
                    closed ? "the transport is closed" : "too many snapshots being sent");
            report(message, false);
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    report(message, sendNow(storeId, message));
                } finally {
                    permits.release();
                }
            });
        } catch (RejectedExecutionException e) {
            permits.release();
            report(message, false);
        }
    }

    /** Sends one snapshot on the calling thread; true once the receiver answered Done. */
    private boolean sendNow(long storeId, RaftMessage message) {
        ManagedChannel channel = null;
        OutboundCall<SnapshotChunk, Done> call = new OutboundCall<>();
        try {
            SnapshotHeader header = SnapshotHeader.parse(message);
            Path dir = paths.generated(header.key());
            checkFiles(header, dir);
            channel = RaftChannels.open(resolver.resolve(storeId), settings);
            open.add(channel);
            if (closed) {
                return false;
            }
            TikvGrpc.newStub(channel).snapshot(call);
            if (!call.awaitReady()) {
                return failed(header, storeId, call.failure());
            }
            call.send(SnapshotChunk.newBuilder().setMessage(message).build());
            for (SnapshotHeader.CfFile f : header.files()) {
                if (!sendFile(call, SnapshotPaths.file(dir, f.cf()), f.size())) {
                    return failed(header, storeId, call.failure());
                }
            }
            call.complete();
            Throwable end = call.awaitEnd();
            if (end != null) {
                return failed(header, storeId, end);
            }
            LOG.info("snapshot {} sent to store {} ({} bytes in {} files)", header.key(), storeId,
                    header.totalSize(), header.files().size());
            return true;
        } catch (InterruptedException e) {
            LOG.info("snapshot {} to store {}: interrupted (closing)", describe(message), storeId);
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("snapshot {} to store {} failed: {}", describe(message), storeId, e.getMessage());
            if (e instanceof StoreResolver.UnresolvedStoreException) {
                resolver.invalidate(storeId);
            }
            return false;
        } finally {
            if (!call.ended()) {
                call.cancel("snapshot send abandoned");
            }
            if (channel != null) {
                open.remove(channel);
                RaftChannels.close(channel);
            }
        }
    }

    /** Streams one file in chunks, throttled; false if the call ended before all of it went. */
    private boolean sendFile(OutboundCall<SnapshotChunk, Done> call, Path file, long size)
            throws IOException, InterruptedException {
        byte[] buffer = new byte[settings.snapChunkSize()];
        long sent = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (sent < size) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - sent));
                if (n == 0) {
                    throw new IOException("snapshot file " + file + " is shorter than its announced " + size + " bytes");
                }
                limiter.acquire(n);
                if (!call.awaitReady()) {
                    return false;
                }
                call.send(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(buffer, 0, n)).build());
                sent += n;
            }
        }
        return true;
    }

    /** The files must be there with their announced sizes: better to fail here than to send a snapshot the receiver rejects. */
    private static void checkFiles(SnapshotHeader header, Path dir) throws IOException {
        for (SnapshotHeader.CfFile f : header.files()) {
            Path file = SnapshotPaths.file(dir, f.cf());
            if (!Files.isRegularFile(file)) {
                throw new IOException("snapshot file " + file + " is missing");
            }
            long size = Files.size(file);
            if (size != f.size()) {
                throw new IOException("snapshot file " + file + " has " + size + " bytes, the message announces " + f.size());
            }
        }
    }

    private boolean failed(SnapshotHeader header, long storeId, Throwable cause) {
        LOG.warn("snapshot {} to store {} failed: {}", header.key(), storeId, cause == null ? "closed" : cause.getMessage());
        resolver.invalidate(storeId);
        return false;
    }

    private void report(RaftMessage message, boolean delivered) {
        try {
            feedback.snapshotStatus(message.getRegionId(), message.getToPeer().getId(), delivered);
        } catch (RuntimeException e) {
            LOG.warn("reporting snapshot status of region {} failed: {}", message.getRegionId(), e.toString());
        }
    }

    private static String describe(RaftMessage message) {
        return SnapKey.of(message).toString();
    }

    /** Sends running now (for tests and stats). */
    int inFlight() {
        return settings.concurrentSendSnapLimit() - permits.availablePermits();
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        for (ManagedChannel c : open) {
            RaftChannels.close(c);
        }
        try {
            executor.awaitTermination(SHUTDOWN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
