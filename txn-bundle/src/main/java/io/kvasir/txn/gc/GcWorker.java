package io.kvasir.txn.gc;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.TxnStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This store's GC worker (TiKV's GcManager, with the lock resolution TiDB's GC leader would do
 * folded in): every poll it asks PD for the GC safe point and, when it moved, goes over the
 * regions this store leads. For each region it first settles every transaction that still holds a
 * lock older than the safe point — through the transaction's primary, wherever that lives — and
 * resolves those locks, then removes the versions the safe point makes unreachable. Only then does
 * the region count as collected up to the safe point ({@link GcProgress}).
 *
 * <p>No central loop visits every key: each store works over its own leader regions, one region
 * at a time on one thread, with the region's own commands (ScanLock, ResolveLock, GC) so that
 * every change goes through Raft like any other write. A region that cannot be finished (a
 * transaction that cannot be settled now, a leader that moved) is left for the next round.
 */
public final class GcWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GcWorker.class);
    /** Locks read per ScanLock, and transactions resolved per ResolveLock (TiKV's batch of 256). */
    static final int LOCK_BATCH = 256;
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final RegionStore regions;
    private final TxnStorage storage;
    private final LongSupplier pdSafePoint;
    private final TxnFates fates;
    private final GcProgress progress;
    private final ScheduledExecutorService thread;
    private long lastRoundSafePoint;
    private boolean lastRoundComplete;

    /**
     * @param pdSafePoint reads PD's GC safe point (may throw when PD cannot be reached)
     */
    public GcWorker(RegionStore regions, TxnStorage storage, LongSupplier pdSafePoint, TxnFates fates, GcProgress progress) {
        this.regions = regions;
        this.storage = storage;
        this.pdSafePoint = pdSafePoint;
        this.fates = fates;
        this.progress = progress;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvasir-gc-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Polls PD every {@code interval} and runs a round when there is work. */
    public void start(Duration interval) {
        long every = interval.toMillis();
        thread.scheduleWithFixedDelay(this::pollQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // PD unreachable, the store stopping: the next poll tries again.
            LOG.debug("GC poll failed: {}", e.toString());
        }
    }

    /**
     * One poll: reads PD's safe point and, unless the last round already finished every region up
     * to it, runs a round. Leadership moves between rounds, so a round that left a region undone
     * is run again even when the safe point did not move.
     */
    void poll() throws InterruptedException {
        long safePoint = pdSafePoint.getAsLong();
        if (safePoint == 0 || (safePoint == lastRoundSafePoint && lastRoundComplete)) {
            return;
        }
        lastRoundComplete = round(safePoint);
        lastRoundSafePoint = safePoint;
    }

    /** Collects every region this store leads up to {@code safePoint}; true when all were finished. */
    boolean round(long safePoint) throws InterruptedException {
        progress.target(safePoint);
        List<RegionRoute> led = regions.leaderRegions();
        Set<Long> ids = new HashSet<>();
        int finished = 0;
        for (RegionRoute route : led) {
            ids.add(route.regionId());
            if (progress.regionSafePoint(route.regionId()) == safePoint || collect(route, safePoint)) {
                finished++;
            }
        }
        progress.retainOnly(ids);
        progress.roundDone();
        LOG.info("GC round to safe point {}: {} of {} led region(s) collected", safePoint, finished, led.size());
        return finished == led.size();
    }

    /** Resolves the region's locks below {@code safePoint}, then collects its old versions. */
    boolean collect(RegionRoute route, long safePoint) throws InterruptedException {
        Kvrpcpb.Context context = Kvrpcpb.Context.newBuilder().setRegionId(route.regionId())
                .setRegionEpoch(route.region().getRegionEpoch()).setPeer(route.peer()).build();
        try {
            if (!resolveLocks(context, safePoint)) {
                return false;
            }
            await(storage.gc(Kvrpcpb.GCRequest.newBuilder().setContext(context).setSafePoint(safePoint).build()));
            progress.regionCollected(route.regionId(), safePoint);
            return true;
        } catch (ExecutionException | TimeoutException | CompletionException e) {
            LOG.debug("GC of region {} left for the next round: {}", route.regionId(), e.getCause() == null ? e : e.getCause());
            return false;
        }
    }

    /** Settles and resolves every lock of the region older than the safe point; false when some remain. */
    private boolean resolveLocks(Kvrpcpb.Context context, long safePoint)
            throws InterruptedException, ExecutionException, TimeoutException {
        boolean all = true;
        ByteString from = ByteString.EMPTY;
        while (true) {
            Kvrpcpb.ScanLockResponse page = await(storage.scanLock(Kvrpcpb.ScanLockRequest.newBuilder().setContext(context)
                    .setMaxVersion(safePoint).setStartKey(from).setLimit(LOCK_BATCH).build()));
            if (page.hasError()) {
                throw new ExecutionException(new IllegalStateException("ScanLock: " + page.getError()));
            }
            all &= resolve(context, page.getLocksList());
            if (page.getLocksCount() < LOCK_BATCH) {
                return all;
            }
            from = page.getLocks(page.getLocksCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
        }
    }

    private boolean resolve(Kvrpcpb.Context context, List<Kvrpcpb.LockInfo> locks)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<Long, byte[]> primaries = new LinkedHashMap<>();
        for (Kvrpcpb.LockInfo lock : locks) {
            primaries.putIfAbsent(lock.getLockVersion(), lock.getPrimaryLock().toByteArray());
        }
        List<Kvrpcpb.TxnInfo> settled = new ArrayList<>();
        boolean all = true;
        for (Map.Entry<Long, byte[]> txn : primaries.entrySet()) {
            try {
                long commitTs = fates.settle(txn.getValue(), txn.getKey());
                settled.add(Kvrpcpb.TxnInfo.newBuilder().setTxn(txn.getKey()).setStatus(commitTs).build());
            } catch (TxnFates.Unsettled e) {
                LOG.debug("GC leaves the locks of {} for now: {}", txn.getKey(), e.getMessage());
                all = false;
            }
        }
        if (settled.isEmpty()) {
            return all;
        }
        Set<Long> settledTxns = new HashSet<>();
        settled.forEach(t -> settledTxns.add(t.getTxn()));
        int count = (int) locks.stream().filter(l -> settledTxns.contains(l.getLockVersion())).count();
        Kvrpcpb.ResolveLockResponse r = await(storage.resolveLock(Kvrpcpb.ResolveLockRequest.newBuilder()
                .setContext(context).addAllTxnInfos(settled).build()));
        if (r.hasError()) {
            throw new ExecutionException(new IllegalStateException("ResolveLock: " + r.getError()));
        }
        progress.locksResolved(count);
        return all;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future)
            throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops polling; a round under way is interrupted. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
