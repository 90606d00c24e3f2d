package io.kvasir.txn.deadlock;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockRequest;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockRequestType;
import io.kvasir.kvproto.DeadlockOuterClass.DeadlockResponse;
import io.kvasir.kvproto.DeadlockOuterClass.WaitForEntry;
import io.kvasir.raft.api.ClusterDirectory;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.DeadlockDetector.Wait;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's one wait-for graph, as TiKV keeps it: the store leading the region that holds the
 * empty key (the first region) is the detector, every store reports its waits there, so a cycle
 * through waits on different stores is found. On the detector's own store, waits go straight to
 * its {@link DeadlockDetector}, which {@link DeadlockService} also serves to the other stores; on
 * the others they go over one Detect stream to the detector's store.
 *
 * <p>Who the detector is gets looked up in the background (first from this store's own regions,
 * then from PD), never on a request path. Each store keeps its own live waits until they end.
 * When leadership of the first region moves, the new detector starts with an empty graph, as in
 * TiKV, but every store then reports its live waits to it again, so a cycle closed after the move
 * is still found (TiKV forgets those waits, and such a deadlock ends only by a lock-wait timeout).
 * While the detector is unknown or unreachable, waits end by their timeout, as they would without
 * detection.
 */
public final class ClusterWaitForGraph implements WaitForGraph, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWaitForGraph.class);

    /** Who the detector is, as last looked up. */
    private sealed interface Role {
    }

    private record ThisStore() implements Role {
    }

    private record OtherStore(String address) implements Role {
    }

    private record Unknown() implements Role {
    }

    /** Identifies a live wait, to hand a deadlock found remotely back to the right waiter. */
    private record WaitId(long waiter, long holder, long keyHash) {
    }

    /** A wait of this store's that has not ended, and who hears of its deadlock. */
    private record LiveWait(Wait edge, Consumer<List<Wait>> onDeadlock) {
    }

    private final DeadlockDetector local;
    private final RegionStore regions;
    private final ClusterDirectory directory;
    private final ScheduledExecutorService worker;
    private final Map<WaitId, LiveWait> live = new ConcurrentHashMap<>();
    private volatile Role role = new Unknown();
    // Touched on the worker thread only.
    private ManagedChannel channel;
    private DetectorStream stream;
    private String streamAddress;

    public ClusterWaitForGraph(DeadlockDetector local, RegionStore regions, ClusterDirectory directory) {
        this.local = local;
        this.regions = regions;
        this.directory = directory;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvasir-deadlock-client");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks up the detector now and again every {@code refresh}. */
    public void start(Duration refresh) {
        worker.scheduleWithFixedDelay(this::refreshRole, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether this store is the detector now (it leads the first region). */
    public boolean isDetector() {
        return role instanceof ThisStore;
    }

    @Override
    public void detect(Wait wait, Consumer<List<Wait>> onDeadlock) {
        WaitId id = new WaitId(wait.waiter(), wait.holder(), wait.keyHash());
        LiveWait waiting = new LiveWait(wait, onDeadlock);
        live.put(id, waiting);
        report(id, waiting, role);
    }

    /** Reports a live wait to the detector {@code to}; nowhere while there is none. */
    private void report(WaitId id, LiveWait waiting, Role to) {
        Wait wait = waiting.edge();
        if (to instanceof ThisStore) {
            local.detect(wait.waiter(), wait.holder(), wait.keyHash(), wait.key()).ifPresent(cycle -> {
                if (live.remove(id, waiting)) {
                    waiting.onDeadlock().accept(cycle);
                }
            });
        } else if (to instanceof OtherStore) {
            sendRemote(DeadlockRequestType.Detect, entry(wait.waiter(), wait.holder(), wait.keyHash(), wait.key()));
        }
    }

    @Override
    public void cleanUpWaitFor(long waiter, long holder, long keyHash) {
        local.cleanUpWaitFor(waiter, holder, keyHash);
        if (live.remove(new WaitId(waiter, holder, keyHash)) != null && role instanceof OtherStore) {
            sendRemote(DeadlockRequestType.CleanUpWaitFor, entry(waiter, holder, keyHash, new byte[0]));
        }
    }

    @Override
    public void cleanUp(long txn) {
        local.cleanUp(txn);
        if (live.keySet().removeIf(id -> id.waiter() == txn) && role instanceof OtherStore) {
            sendRemote(DeadlockRequestType.CleanUp, entry(txn, 0, 0, new byte[0]));
        }
    }

    private static WaitForEntry entry(long waiter, long holder, long keyHash, byte[] key) {
        return WaitForEntry.newBuilder().setTxn(waiter).setWaitForTxn(holder).setKeyHash(keyHash)
                .setKey(ByteString.copyFrom(key)).build();
    }

    private void sendRemote(DeadlockRequestType type, WaitForEntry entry) {
        DeadlockRequest request = DeadlockRequest.newBuilder().setTp(type).setEntry(entry).build();
        try {
            worker.execute(() -> {
                DetectorStream s = openStream();
                if (s != null) {
                    s.send(request);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: the report is dropped and the wait ends by its timeout.
        }
    }

    /** The stream to the detector's store, opened when needed; null while there is no remote detector. */
    private DetectorStream openStream() {
        if (!(role instanceof OtherStore other)) {
            return null;
        }
        if (stream != null && !stream.broken() && other.address().equals(streamAddress)) {
            return stream;
        }
        closeStream();
        channel = Grpc.newChannelBuilder(other.address(), InsecureChannelCredentials.create()).build();
        streamAddress = other.address();
        stream = new DetectorStream(channel, this::deadlockFound, () -> LOG.debug("Detect stream to {} ended", other.address()));
        return stream;
    }

    private void closeStream() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
        streamAddress = null;
    }

    /** A deadlock the remote detector found: the waiter that closed the cycle gives up. */
    private void deadlockFound(DeadlockResponse response) {
        WaitForEntry e = response.getEntry();
        LiveWait waiter = live.remove(new WaitId(e.getTxn(), e.getWaitForTxn(), e.getKeyHash()));
        if (waiter == null) {
            return; // that wait already ended
        }
        List<Wait> cycle = new ArrayList<>();
        cycle.add(new Wait(e.getTxn(), e.getWaitForTxn(), e.getKeyHash(), e.getKey().toByteArray()));
        for (WaitForEntry w : response.getWaitChainList()) {
            cycle.add(new Wait(w.getTxn(), w.getWaitForTxn(), w.getKeyHash(), w.getKey().toByteArray()));
        }
        waiter.onDeadlock().accept(cycle);
    }

    /** Runs on the worker: who leads the first region now. */
    private void refreshRole() {
        try {
            boolean leadsFirst = regions.leaderRegions().stream()
                    .anyMatch(r -> r.region().getStartKey().isEmpty());
            Role next;
            if (leadsFirst) {
                next = new ThisStore();
            } else {
                Optional<ClusterDirectory.RegionLeader> leader = directory.leaderOf(new byte[0]);
                next = leader.isEmpty() || leader.get().leader().getStoreId() == regions.storeId()
                        ? new Unknown() : new OtherStore(leader.get().address());
            }
            if (!next.equals(role)) {
                LOG.info("deadlock detector: {}", next);
                Role before = role;
                role = next;
                if (!(next instanceof OtherStore)) {
                    closeStream();
                }
                if (before instanceof ThisStore) {
                    local.clear(); // other stores report to the new detector now
                }
                // The new detector knows none of this store's waits yet.
                live.forEach((id, waiting) -> report(id, waiting, next));
            }
        } catch (RuntimeException e) {
            LOG.debug("deadlock detector lookup failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStream();
    }
}
