package io.kvasir.txn.percolator;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineIterator;
import io.kvasir.engine.api.IterOptions;
import io.kvasir.engine.api.Snapshot;
import io.kvasir.kvproto.Kvrpcpb;
import io.kvasir.raft.api.DataKeys;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionKeys;
import io.kvasir.raft.api.RegionRoute;
import io.kvasir.raft.api.RegionStore;
import io.kvasir.txn.api.TxnStorage;
import io.kvasir.txn.api.TxnStorageException;
import io.kvasir.txn.mvcc.CheckTxnStatus;
import io.kvasir.txn.mvcc.Commit;
import io.kvasir.txn.mvcc.KeyIsLockedException;
import io.kvasir.txn.mvcc.Lock;
import io.kvasir.txn.mvcc.MvccReader;
import io.kvasir.txn.mvcc.MvccTxn;
import io.kvasir.txn.mvcc.Prewrite;
import io.kvasir.txn.mvcc.Rollback;
import io.kvasir.txn.mvcc.TimeStamps;
import io.kvasir.txn.mvcc.TxnException;
import io.kvasir.txn.mvcc.TxnHeartBeat;
import io.kvasir.txn.mvcc.TxnKeys;
import io.kvasir.txn.mvcc.Write;
import io.kvasir.kvproto.RaftCmdpb;
import io.kvasir.txn.mvcc.Gc;
import io.kvasir.txn.mvcc.PessimisticLock;
import io.kvasir.txn.mvcc.SecondaryLocks;
import io.kvasir.txn.deadlock.LocalWaitForGraph;
import io.kvasir.txn.deadlock.WaitForGraph;
import io.kvasir.txn.sched.DeadlockDetector;
import io.kvasir.txn.sched.FlowController;
import io.kvasir.txn.sched.Latches;
import io.kvasir.txn.sched.LockWaits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * TiKV's transactional commands over a store's regions (TiKV's {@code Storage} and its
 * {@code txn::scheduler}, reduced): reads take a snapshot of the region (lease or ReadIndex) and
 * never wait for writers; a write command takes the latches of its keys (commands on overlapping
 * keys run one after another, the rest concurrently), reads a snapshot taken under them, runs its
 * Percolator actions, and proposes everything they staged as ONE Raft command, or nothing when
 * any key is refused.
 *
 * <p>Async commit and 1PC are not done: a prewrite asking for them is answered as a plain 2PC
 * prewrite ({@code min_commit_ts = 0}, {@code one_pc_commit_ts = 0}), which tells the client to
 * commit the usual way. A pessimistic lock request that meets another transaction's lock waits
 * for it to be released on this store; the wait is reported to the wait-for graph
 * ({@link WaitForGraph}: this store's own, or the cluster's detector), and a wait that closes a
 * cycle is answered at once as a deadlock. Write
 * commands pass flow control first ({@link FlowController}), which holds them to the rate the engine
 * absorbs once it nears its own slowdown point.
 */
public final class TxnKv implements TxnStorage, AutoCloseable {

    /** Latch slots: enough that unrelated keys seldom share one. */
    private static final int LATCH_SLOTS = 4096;
    /** TiKV's {@code pessimistic-txn.wait-for-lock-timeout}, for a request that leaves it to the store. */
    static final long DEFAULT_LOCK_WAIT_MILLIS = 1000;
    /** How often flow control looks at the engine's pressure and adjusts its rate. */
    private static final long FLOW_SAMPLE_MILLIS = 250;
    /** Threads that carry on write commands flow control delayed. */
    private static final int FLOW_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Locks one ResolveLock command resolves at most (TiKV's {@code RESOLVE_LOCK_BATCH_SIZE}). */
    static final int RESOLVE_LOCK_BATCH = 256;
    /** How long a wait-for edge lives in the deadlock detector without a clean-up. */
    private static final long WAIT_FOR_TTL_MILLIS = 3000;

    private final RegionStore regions;
    private final Latches latches = new Latches(LATCH_SLOTS);
    private final ScheduledExecutorService timer;
    /** Null, as {@code flow}, when flow control is off. */
    private final ExecutorService flowWorkers;
    private final LockWaits lockWaits;
    private final WaitForGraph waitFor;
    /** Null when flow control is off. */
    private final FlowController flow;

    /** Over {@code regions}, with the default settings. */
    public TxnKv(RegionStore regions) {
        this(regions, TxnSettings.DEFAULTS);
    }

    /** Over {@code regions}, finding deadlocks among this store's own waits only. */
    public TxnKv(RegionStore regions, TxnSettings settings) {
        this(regions, settings, new LocalWaitForGraph(newDeadlockDetector()));
    }

    /** A detector of the wait-for graph as this layer keeps it (how long a forgotten wait lives). */
    public static DeadlockDetector newDeadlockDetector() {
        return new DeadlockDetector(System::currentTimeMillis, WAIT_FOR_TTL_MILLIS);
    }

    /** @param waitFor where lock waits are reported, so that deadlocks are found */
    public TxnKv(RegionStore regions, TxnSettings settings, WaitForGraph waitFor) {
        this.regions = regions;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kvasir-lock-waits");
            t.setDaemon(true);
            return t;
        });
        this.lockWaits = new LockWaits(timer);
        this.waitFor = waitFor;
        this.flowWorkers = settings.flowControlEnabled() ? Executors.newFixedThreadPool(FLOW_WORKERS, r -> {
            Thread t = new Thread(r, "kvasir-flow-control");
            t.setDaemon(true);
            return t;
        }) : null;
        this.flow = settings.flowControlEnabled()
                ? new FlowController(regions::engineStats, System::nanoTime, FLOW_SAMPLE_MILLIS,
                        settings.flowControlMaxDelay().toMillis(), timer, flowWorkers)
                : null;
    }

    /** Flow control, unless it is off. */
    public Optional<FlowController> flowControl() {
        return Optional.ofNullable(flow);
    }

    /** Stops the lock-wait timer and flow control's threads; waiting requests time out no more (their store is going away). */
    @Override
    public void close() {
        timer.shutdownNow();
        if (flowWorkers != null) {
            flowWorkers.shutdownNow();
        }
    }

    // ---- reads --------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Kvrpcpb.GetResponse> get(Kvrpcpb.GetRequest req) {
        byte[] key = req.getKey().toByteArray();
        return read(req.getContext(), List.of(key), reader -> {
            Kvrpcpb.GetResponse.Builder b = Kvrpcpb.GetResponse.newBuilder();
            try {
                byte[] v = reader.get(key, req.getVersion(), resolved(req.getContext()));
                if (v == null) {
                    b.setNotFound(true);
                } else {
                    b.setValue(ByteString.copyFrom(v));
                }
            } catch (KeyIsLockedException e) {
                b.setError(KeyErrors.of(e));
            }
            return b.build();
        });
    }

    /** Pairs for the keys that exist, or that a lock hides, in the request's order. */
    @Override
    public CompletableFuture<Kvrpcpb.BatchGetResponse> batchGet(Kvrpcpb.BatchGetRequest req) {
        List<byte[]> keys = bytes(req.getKeysList());
        return read(req.getContext(), keys, reader -> {
            Kvrpcpb.BatchGetResponse.Builder b = Kvrpcpb.BatchGetResponse.newBuilder();
            Set<Long> resolved = resolved(req.getContext());
            for (byte[] key : keys) {
                try {
                    byte[] v = reader.get(key, req.getVersion(), resolved);
                    if (v != null) {
                        b.addPairs(Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(v)));
                    }
                } catch (KeyIsLockedException e) {
                    b.addPairs(Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key)).setError(KeyErrors.of(e)));
                }
            }
            return b.build();
        });
    }

    /**
     * Up to {@code limit} visible pairs from {@code start_key}, to {@code end_key} or the region's
     * end: every key that has versions or a lock is looked at; deleted ones are skipped and a
     * blocking lock is reported in its pair.
     */
    /**
     * Up to {@code limit} visible pairs: forward from {@code start_key} to {@code end_key} or the
     * region's end; in reverse, below {@code start_key} (empty: the region's end) down to
     * {@code end_key} inclusive, as TiKV's reverse scan. Every key with versions or a lock is looked
     * at; deleted ones are skipped and a blocking lock is reported in its pair.
     */
    @Override
    public CompletableFuture<Kvrpcpb.ScanResponse> scan(Kvrpcpb.ScanRequest req) {
        List<byte[]> bounds = new ArrayList<>();
        if (!req.getStartKey().isEmpty()) {
            bounds.add(req.getStartKey().toByteArray());
        }
        if (req.getReverse() && !req.getEndKey().isEmpty()) {
            bounds.add(req.getEndKey().toByteArray());
        }
        return onRegion(req.getContext(), bounds, route -> onSnapshot(route, s -> scan(new MvccReader(s), s, route, req)));
    }

    private Kvrpcpb.ScanResponse scan(MvccReader reader, Snapshot s, RegionRoute route, Kvrpcpb.ScanRequest req) {
        byte[] regionStart = DataKeys.data(route.region().getStartKey().toByteArray());
        byte[] regionEnd = DataKeys.dataEnd(route.region().getEndKey().toByteArray());
        ByteString from = req.getReverse() ? req.getEndKey() : req.getStartKey();
        ByteString to = req.getReverse() ? req.getStartKey() : req.getEndKey();
        byte[] lower = from.isEmpty() ? regionStart : max(regionStart, DataKeys.data(TxnKeys.encode(from.toByteArray())));
        byte[] upper = to.isEmpty() ? regionEnd : min(regionEnd, DataKeys.data(TxnKeys.encode(to.toByteArray())));
        Kvrpcpb.ScanResponse.Builder b = Kvrpcpb.ScanResponse.newBuilder();
        Set<Long> resolved = resolved(req.getContext());
        int limit = req.getLimit() == 0 ? Integer.MAX_VALUE : req.getLimit();
        try (UserKeys keys = new UserKeys(s, lower, upper, req.getReverse())) {
            for (byte[] key = keys.next(); key != null && b.getPairsCount() < limit; key = keys.next()) {
                try {
                    byte[] v = reader.get(key, req.getVersion(), resolved);
                    if (v != null) {
                        Kvrpcpb.KvPair.Builder pair = Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key));
                        if (!req.getKeyOnly()) {
                            pair.setValue(ByteString.copyFrom(v));
                        }
                        b.addPairs(pair);
                    }
                } catch (KeyIsLockedException e) {
                    b.addPairs(Kvrpcpb.KvPair.newBuilder().setKey(ByteString.copyFrom(key)).setError(KeyErrors.of(e)));
                }
            }
        }
        return b.build();
    }

    private static byte[] max(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    @Override
    public CompletableFuture<Kvrpcpb.ScanLockResponse> scanLock(Kvrpcpb.ScanLockRequest req) {
        return onRegion(req.getContext(), List.of(), route -> onSnapshot(route, s -> {
            Kvrpcpb.ScanLockResponse.Builder b = Kvrpcpb.ScanLockResponse.newBuilder();
            int limit = req.getLimit() == 0 ? Integer.MAX_VALUE : req.getLimit();
            for (LockedKey locked : locks(s, route, req.getStartKey(), req.getEndKey(), limit,
                    lock -> lock.startTs() <= req.getMaxVersion())) {
                b.addLocks(KeyErrors.lockInfo(locked.key(), locked.lock()));
            }
            return b.build();
        }));
    }

    @Override
    public CompletableFuture<Kvrpcpb.SplitRegionResponse> splitRegion(Kvrpcpb.SplitRegionRequest req) {
        return onRegion(req.getContext(), List.of(), route -> {
            List<ByteString> keys = new ArrayList<>();
            if (!req.getSplitKey().isEmpty()) {
                keys.add(ByteString.copyFrom(TxnKeys.encode(req.getSplitKey().toByteArray())));
            }
            req.getSplitKeysList().forEach(k -> keys.add(ByteString.copyFrom(TxnKeys.encode(k.toByteArray()))));
            return regions.split(route, keys).thenApply(pieces -> Kvrpcpb.SplitRegionResponse.newBuilder()
                    .addAllRegions(pieces).build());
        });
    }

    // ---- writes -------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<Kvrpcpb.PrewriteResponse> prewrite(Kvrpcpb.PrewriteRequest req) {
        if (req.getIsPessimisticLockCount() != 0 && req.getIsPessimisticLockCount() != req.getMutationsCount()) {
            return CompletableFuture.failedFuture(new TxnStorageException("is_pessimistic_lock has "
                    + req.getIsPessimisticLockCount() + " flags for " + req.getMutationsCount() + " mutations"));
        }
        List<byte[]> keys = new ArrayList<>();
        req.getMutationsList().forEach(m -> keys.add(m.getKey().toByteArray()));
        Prewrite.Props props = new Prewrite.Props(req.getStartVersion(), req.getPrimaryLock().toByteArray(),
                req.getLockTtl(), req.getTxnSize(), req.getMinCommitTs());
        return write(req.getContext(), keys, (reader, txn) -> {
            Kvrpcpb.PrewriteResponse.Builder b = Kvrpcpb.PrewriteResponse.newBuilder();
            for (int i = 0; i < req.getMutationsCount(); i++) {
                Kvrpcpb.Mutation m = req.getMutations(i);
                try {
                    if (req.getIsPessimisticLockCount() > 0 && req.getIsPessimisticLock(i)) {
                        Prewrite.prewritePessimistic(reader, txn, props, op(m.getOp()), m.getKey().toByteArray(),
                                m.getValue().toByteArray());
                    } else {
                        Prewrite.prewrite(reader, txn, props, op(m.getOp()), m.getKey().toByteArray(),
                                m.getValue().toByteArray());
                    }
                } catch (TxnException e) {
                    b.addErrors(KeyErrors.of(e));
                }
            }
            return new Staged<>(b.build(), b.getErrorsCount() == 0);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.CommitResponse> commit(Kvrpcpb.CommitRequest req) {
        List<byte[]> keys = bytes(req.getKeysList());
        waitFor.cleanUp(req.getStartVersion());
        return write(req.getContext(), keys, (reader, txn) -> {
            Kvrpcpb.CommitResponse.Builder b = Kvrpcpb.CommitResponse.newBuilder().setCommitVersion(req.getCommitVersion());
            try {
                for (byte[] key : keys) {
                    Commit.commit(reader, txn, key, req.getStartVersion(), req.getCommitVersion());
                }
            } catch (TxnException e) {
                return new Staged<>(b.setError(KeyErrors.of(e)).build(), false);
            }
            return new Staged<>(b.build(), true);
        });
    }

    /**
     * Rolls the transaction back on the key unless its lock is still alive by {@code current_ts};
     * answers the commit_ts of a transaction that committed instead.
     */
    @Override
    public CompletableFuture<Kvrpcpb.CleanupResponse> cleanup(Kvrpcpb.CleanupRequest req) {
        byte[] key = req.getKey().toByteArray();
        return write(req.getContext(), List.of(key), (reader, txn) -> {
            Kvrpcpb.CleanupResponse.Builder b = Kvrpcpb.CleanupResponse.newBuilder();
            Lock lock = reader.lock(key);
            if (lock != null && lock.startTs() == req.getStartVersion() && req.getCurrentTs() != 0
                    && TimeStamps.physical(req.getCurrentTs()) < TimeStamps.physical(lock.startTs()) + lock.ttl()) {
                return new Staged<>(b.setError(KeyErrors.of(new KeyIsLockedException(key, lock))).build(), false);
            }
            try {
                Rollback.rollback(reader, txn, key, req.getStartVersion());
            } catch (TxnException.Committed c) {
                return new Staged<>(b.setCommitVersion(c.commitTs()).build(), false);
            }
            return new Staged<>(b.build(), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.BatchRollbackResponse> batchRollback(Kvrpcpb.BatchRollbackRequest req) {
        List<byte[]> keys = bytes(req.getKeysList());
        waitFor.cleanUp(req.getStartVersion());
        return write(req.getContext(), keys, (reader, txn) -> {
            Kvrpcpb.BatchRollbackResponse.Builder b = Kvrpcpb.BatchRollbackResponse.newBuilder();
            try {
                for (byte[] key : keys) {
                    Rollback.rollback(reader, txn, key, req.getStartVersion());
                }
            } catch (TxnException e) {
                return new Staged<>(b.setError(KeyErrors.of(e)).build(), false);
            }
            return new Staged<>(b.build(), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.CheckTxnStatusResponse> checkTxnStatus(Kvrpcpb.CheckTxnStatusRequest req) {
        byte[] primary = req.getPrimaryKey().toByteArray();
        return write(req.getContext(), List.of(primary), (reader, txn) -> {
            Kvrpcpb.CheckTxnStatusResponse.Builder b = Kvrpcpb.CheckTxnStatusResponse.newBuilder();
            CheckTxnStatus.Status s;
            try {
                s = CheckTxnStatus.check(reader, txn, primary, req.getLockTs(), req.getCallerStartTs(),
                        req.getCurrentTs(), req.getRollbackIfNotExist());
            } catch (TxnException e) {
                return new Staged<>(b.setError(KeyErrors.of(e)).build(), false);
            }
            b.setLockTtl(s.lockTtl()).setCommitVersion(s.commitTs()).setAction(switch (s.action()) {
                case NO_ACTION -> Kvrpcpb.Action.NoAction;
                case TTL_EXPIRE_ROLLBACK -> Kvrpcpb.Action.TTLExpireRollback;
                case LOCK_NOT_EXIST_ROLLBACK -> Kvrpcpb.Action.LockNotExistRollback;
                case MIN_COMMIT_TS_PUSHED -> Kvrpcpb.Action.MinCommitTSPushed;
            });
            if (s.lock() != null) {
                b.setLockInfo(KeyErrors.lockInfo(primary, s.lock()));
            }
            return new Staged<>(b.build(), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.TxnHeartBeatResponse> txnHeartBeat(Kvrpcpb.TxnHeartBeatRequest req) {
        byte[] primary = req.getPrimaryLock().toByteArray();
        return write(req.getContext(), List.of(primary), (reader, txn) -> {
            Kvrpcpb.TxnHeartBeatResponse.Builder b = Kvrpcpb.TxnHeartBeatResponse.newBuilder();
            try {
                b.setLockTtl(TxnHeartBeat.heartBeat(reader, txn, primary, req.getStartVersion(), req.getAdviseLockTtl()));
            } catch (TxnException e) {
                return new Staged<>(b.setError(KeyErrors.of(e)).build(), false);
            }
            return new Staged<>(b.build(), true);
        });
    }

    /**
     * Commits or rolls back a finished transaction's locks: on the keys named, or, when none are,
     * every lock of the transaction in the region (the client names none for large transactions).
     * {@code txn_infos} resolves several transactions at once.
     */
    @Override
    public CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveLock(Kvrpcpb.ResolveLockRequest req) {
        java.util.Map<Long, Long> outcomes = new java.util.HashMap<>();
        if (req.getTxnInfosCount() > 0) {
            req.getTxnInfosList().forEach(t -> outcomes.put(t.getTxn(), t.getStatus()));
        } else {
            outcomes.put(req.getStartVersion(), req.getCommitVersion());
        }
        return onRegion(req.getContext(), List.of(), route -> req.getKeysCount() > 0
                ? resolveGivenKeys(req.getContext(), bytes(req.getKeysList()), 0, outcomes)
                : resolveScanned(req.getContext(), route, ByteString.EMPTY, outcomes));
    }

    /** Resolves {@code keys} from {@code from} on, a batch of at most {@link #RESOLVE_LOCK_BATCH} per command. */
    private CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveGivenKeys(Kvrpcpb.Context context, List<byte[]> keys,
            int from, java.util.Map<Long, Long> outcomes) {
        int to = Math.min(keys.size(), from + RESOLVE_LOCK_BATCH);
        return resolveBatch(context, keys.subList(from, to), outcomes).thenCompose(r -> failed(r) || to == keys.size()
                ? CompletableFuture.completedFuture(r) : resolveGivenKeys(context, keys, to, outcomes));
    }

    /**
     * Resolves the region's locks of the transactions in {@code outcomes} from {@code start} on:
     * the next batch is found on a fresh snapshot once the one before is written, so neither the
     * scan nor any Raft command grows with the number of locks (TiKV's read and write phases).
     */
    private CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveScanned(Kvrpcpb.Context context, RegionRoute route,
            ByteString start, java.util.Map<Long, Long> outcomes) {
        return onSnapshot(route, s -> locks(s, route, start, ByteString.EMPTY, RESOLVE_LOCK_BATCH,
                lock -> outcomes.containsKey(lock.startTs()))).thenCompose(batch -> {
                    if (batch.isEmpty()) {
                        return CompletableFuture.completedFuture(Kvrpcpb.ResolveLockResponse.getDefaultInstance());
                    }
                    List<byte[]> keys = batch.stream().map(LockedKey::key).toList();
                    ByteString after = ByteString.copyFrom(keys.get(keys.size() - 1)).concat(ByteString.copyFrom(new byte[1]));
                    return resolveBatch(context, keys, outcomes).thenCompose(r -> failed(r) || batch.size() < RESOLVE_LOCK_BATCH
                            ? CompletableFuture.completedFuture(r) : resolveScanned(context, route, after, outcomes));
                });
    }

    private static boolean failed(Kvrpcpb.ResolveLockResponse r) {
        return r.hasError() || r.hasRegionError();
    }

    /** One write command: commits or rolls back each key's lock as its transaction's outcome says. */
    private CompletableFuture<Kvrpcpb.ResolveLockResponse> resolveBatch(Kvrpcpb.Context context, List<byte[]> keys,
            java.util.Map<Long, Long> outcomes) {
        return write(context, keys, (reader, txn) -> {
            Kvrpcpb.ResolveLockResponse.Builder b = Kvrpcpb.ResolveLockResponse.newBuilder();
            try {
                for (byte[] key : keys) {
                    Lock lock = reader.lock(key);
                    if (lock == null || !outcomes.containsKey(lock.startTs())) {
                        continue; // resolved already, or another transaction's lock
                    }
                    long commitTs = outcomes.get(lock.startTs());
                    if (commitTs > 0) {
                        Commit.commit(reader, txn, key, lock.startTs(), commitTs);
                    } else {
                        Rollback.rollback(reader, txn, key, lock.startTs());
                    }
                }
            } catch (TxnException e) {
                return new Staged<>(b.setError(KeyErrors.of(e)).build(), false);
            }
            return new Staged<>(b.build(), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.PessimisticLockResponse> pessimisticLock(Kvrpcpb.PessimisticLockRequest req) {
        long waitMillis = req.getWaitTimeout() < 0 ? 0
                : req.getWaitTimeout() == 0 ? DEFAULT_LOCK_WAIT_MILLIS : req.getWaitTimeout();
        return lockOrWait(req, System.currentTimeMillis() + waitMillis, req.getWaitTimeout() >= 0);
    }

    /**
     * One attempt at the locks; if another transaction holds one, waits for it (woken when it is
     * released here, or at the deadline) and tries again, unless the wait would deadlock.
     */
    private CompletableFuture<Kvrpcpb.PessimisticLockResponse> lockOrWait(Kvrpcpb.PessimisticLockRequest req,
            long deadlineMillis, boolean mayWait) {
        return attemptLocks(req).thenCompose(attempt -> {
            KeyIsLockedException blocked = attempt.blockedBy();
            long remaining = deadlineMillis - System.currentTimeMillis();
            if (blocked == null || !mayWait || remaining <= 0) {
                return CompletableFuture.completedFuture(attempt.response());
            }
            byte[] key = blocked.key();
            long keyHash = java.util.Arrays.hashCode(key);
            long holder = blocked.lock().startTs();
            // The wait starts first; the detector, maybe on another store, may end it at any moment.
            CompletableFuture<LockWaits.Outcome> waiting = lockWaits.await(TxnKeys.encode(key), remaining);
            java.util.concurrent.atomic.AtomicReference<List<DeadlockDetector.Wait>> cycle =
                    new java.util.concurrent.atomic.AtomicReference<>();
            waitFor.detect(new DeadlockDetector.Wait(req.getStartVersion(), holder, keyHash, key), found -> {
                cycle.set(found);
                waiting.complete(LockWaits.Outcome.DEADLOCK);
            });
            return waiting.thenCompose(outcome -> {
                if (outcome == LockWaits.Outcome.DEADLOCK) {
                    return CompletableFuture.completedFuture(Kvrpcpb.PessimisticLockResponse.newBuilder()
                            .addErrors(KeyErrors.deadlock(holder, key, keyHash, cycle.get())).build());
                }
                waitFor.cleanUpWaitFor(req.getStartVersion(), holder, keyHash);
                return lockOrWait(req, nextDeadline(deadlineMillis, outcome), true);
            });
        });
    }

    /** A timed-out wait tries once more, then answers the lock it met. */
    private static long nextDeadline(long deadline, LockWaits.Outcome outcome) {
        return outcome == LockWaits.Outcome.TIMED_OUT ? Math.min(deadline, System.currentTimeMillis()) : deadline;
    }

    /** An attempt's answer, and the lock of another transaction that stopped it, if one did. */
    private record LockAttempt(Kvrpcpb.PessimisticLockResponse response, KeyIsLockedException blockedBy) {
    }

    private CompletableFuture<LockAttempt> attemptLocks(Kvrpcpb.PessimisticLockRequest req) {
        List<byte[]> keys = new ArrayList<>();
        req.getMutationsList().forEach(m -> keys.add(m.getKey().toByteArray()));
        byte[] primary = req.getPrimaryLock().toByteArray();
        return write(req.getContext(), keys, (reader, txn) -> {
            Kvrpcpb.PessimisticLockResponse.Builder b = Kvrpcpb.PessimisticLockResponse.newBuilder();
            for (Kvrpcpb.Mutation m : req.getMutationsList()) {
                byte[] key = m.getKey().toByteArray();
                try {
                    PessimisticLock.acquire(reader, txn, key, primary, req.getStartVersion(), req.getLockTtl(),
                            req.getForUpdateTs(), m.getOp() == Kvrpcpb.Op.Insert);
                } catch (KeyIsLockedException locked) {
                    b.addErrors(KeyErrors.of(locked));
                    return new Staged<>(new LockAttempt(b.build(), locked), false);
                } catch (TxnException e) {
                    b.addErrors(KeyErrors.of(e));
                    return new Staged<>(new LockAttempt(b.build(), null), false);
                }
                if (req.getReturnValues() || req.getCheckExistence()) {
                    byte[] v = reader.get(key, Long.MAX_VALUE - 1, Set.of(req.getStartVersion()));
                    b.addValues(v == null ? ByteString.EMPTY : ByteString.copyFrom(v)).addNotFounds(v == null);
                }
            }
            return new Staged<>(new LockAttempt(b.build(), null), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.PessimisticRollbackResponse> pessimisticRollback(
            Kvrpcpb.PessimisticRollbackRequest req) {
        List<byte[]> keys = bytes(req.getKeysList());
        waitFor.cleanUp(req.getStartVersion());
        return write(req.getContext(), keys, (reader, txn) -> {
            for (byte[] key : keys) {
                PessimisticLock.rollback(reader, txn, key, req.getStartVersion(), req.getForUpdateTs());
            }
            return new Staged<>(Kvrpcpb.PessimisticRollbackResponse.getDefaultInstance(), true);
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.CheckSecondaryLocksResponse> checkSecondaryLocks(
            Kvrpcpb.CheckSecondaryLocksRequest req) {
        List<byte[]> keys = bytes(req.getKeysList());
        return write(req.getContext(), keys, (reader, txn) -> {
            SecondaryLocks.Status status = SecondaryLocks.check(reader, txn, keys, req.getStartVersion());
            Kvrpcpb.CheckSecondaryLocksResponse.Builder b = Kvrpcpb.CheckSecondaryLocksResponse.newBuilder()
                    .setCommitTs(status.commitTs());
            for (int i = 0; i < status.locks().size(); i++) {
                b.addLocks(KeyErrors.lockInfo(status.lockedKeys().get(i), status.locks().get(i)));
            }
            return new Staged<>(b.build(), true);
        });
    }

    /**
     * Deletes the range's data in every column family, in one Raft command: not transactional,
     * as TiKV's (tools use it to drop a table's data). {@code notify_only} deletes nothing.
     */
    @Override
    public CompletableFuture<Kvrpcpb.DeleteRangeResponse> deleteRange(Kvrpcpb.DeleteRangeRequest req) {
        if (req.getNotifyOnly()) {
            return CompletableFuture.completedFuture(Kvrpcpb.DeleteRangeResponse.getDefaultInstance());
        }
        return onRegion(req.getContext(), List.of(req.getStartKey().toByteArray()), route -> {
            ByteString start = ByteString.copyFrom(TxnKeys.encode(req.getStartKey().toByteArray()));
            ByteString end = req.getEndKey().isEmpty() ? route.region().getEndKey()
                    : ByteString.copyFrom(TxnKeys.encode(req.getEndKey().toByteArray()));
            if (!route.region().getEndKey().isEmpty() && RegionKeys.compare(end.toByteArray(), route.region().getEndKey()) > 0) {
                end = route.region().getEndKey();
            }
            List<RaftCmdpb.Request> requests = new ArrayList<>();
            for (ColumnFamily cf : ColumnFamily.DATA) {
                requests.add(RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.DeleteRange)
                        .setDeleteRange(RaftCmdpb.DeleteRangeRequest.newBuilder().setCf(cf.cfName()).setStartKey(start)
                                .setEndKey(end)).build());
            }
            return regions.write(route, requests).thenApply(done -> Kvrpcpb.DeleteRangeResponse.getDefaultInstance());
        });
    }

    /** Most keys whose garbage one Raft command removes. */
    private static final int GC_KEYS_PER_COMMAND = 256;

    /**
     * Removes the region's versions below the safe point ({@link io.kvasir.txn.mvcc.Gc}), a batch of
     * keys per Raft command. No latches: it removes only versions no reader or writer at or above
     * the safe point can touch.
     */
    @Override
    public CompletableFuture<Kvrpcpb.GCResponse> gc(Kvrpcpb.GCRequest req) {
        return onRegion(req.getContext(), List.of(), route -> {
            return regions.snapshot(route).thenCompose(snapshot -> {
                List<List<RaftCmdpb.Request>> commands = new ArrayList<>();
                try (Snapshot s = snapshot) {
                    MvccReader reader = new MvccReader(s);
                    MvccTxn txn = new MvccTxn();
                    int keysInTxn = 0;
                    byte[] lower = DataKeys.data(route.region().getStartKey().toByteArray());
                    byte[] upper = DataKeys.dataEnd(route.region().getEndKey().toByteArray());
                    try (UserKeys keys = new UserKeys(s, lower, upper, false)) {
                        for (byte[] key = keys.next(); key != null; key = keys.next()) {
                            if (Gc.gcKey(reader, txn, key, req.getSafePoint()) > 0 && ++keysInTxn == GC_KEYS_PER_COMMAND) {
                                commands.add(txn.toRequests());
                                txn = new MvccTxn();
                                keysInTxn = 0;
                            }
                        }
                    }
                    if (!txn.isEmpty()) {
                        commands.add(txn.toRequests());
                    }
                }
                CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
                for (List<RaftCmdpb.Request> command : commands) {
                    done = done.thenCompose(ignored -> regions.write(route, command));
                }
                return done.thenApply(ignored -> Kvrpcpb.GCResponse.getDefaultInstance());
            });
        });
    }

    @Override
    public CompletableFuture<Kvrpcpb.MvccGetByKeyResponse> mvccGetByKey(Kvrpcpb.MvccGetByKeyRequest req) {
        byte[] key = req.getKey().toByteArray();
        return onRegion(req.getContext(), List.of(key), route -> onSnapshot(route,
                s -> Kvrpcpb.MvccGetByKeyResponse.newBuilder().setInfo(MvccInfos.of(s, key)).build()));
    }

    /**
     * The first key of the region, in key order, that transaction {@code start_ts} holds a lock on
     * or has a write record on (TiKV looks at write records only; a lock is found here too, which
     * is what one debugging a stuck transaction looks for), with everything the store holds about that key;
     * an empty answer when the region has none. A debugging aid: it reads the whole region.
     */
    @Override
    public CompletableFuture<Kvrpcpb.MvccGetByStartTsResponse> mvccGetByStartTs(Kvrpcpb.MvccGetByStartTsRequest req) {
        long startTs = req.getStartTs();
        return onRegion(req.getContext(), List.of(), route -> onSnapshot(route, s -> {
            Kvrpcpb.MvccGetByStartTsResponse.Builder b = Kvrpcpb.MvccGetByStartTsResponse.newBuilder();
            List<LockedKey> first = locks(s, route, ByteString.EMPTY, ByteString.EMPTY, 1, lock -> lock.startTs() == startTs);
            byte[] locked = first.isEmpty() ? null : first.get(0).key();
            byte[] written = firstWrittenBy(s, route, startTs);
            byte[] key = locked == null ? written
                    : written == null || java.util.Arrays.compareUnsigned(locked, written) <= 0 ? locked : written;
            if (key != null) {
                b.setKey(ByteString.copyFrom(key)).setInfo(MvccInfos.of(s, key));
            }
            return b.build();
        }));
    }

    /** The first user key of the region with a write record of transaction {@code startTs}, or null. */
    private static byte[] firstWrittenBy(Snapshot s, RegionRoute route, long startTs) {
        byte[] lower = DataKeys.data(route.region().getStartKey().toByteArray());
        byte[] upper = DataKeys.dataEnd(route.region().getEndKey().toByteArray());
        try (EngineIterator it = s.newIterator(ColumnFamily.WRITE, IterOptions.range(lower, upper))) {
            for (boolean ok = it.seek(lower); ok; ok = it.next()) {
                if (Write.parse(it.value()).startTs() == startTs) {
                    return TxnKeys.decode(TxnKeys.withoutTs(DataKeys.origin(it.key())));
                }
            }
        }
        return null;
    }

    // ---- the scheduler -----------------------------------------------------------------------------

    /** A write command's answer, and whether what it staged is to be written. */
    private record Staged<T>(T response, boolean write) {
    }

    private <T> CompletableFuture<T> read(Kvrpcpb.Context context, List<byte[]> keys,
            java.util.function.Function<MvccReader, T> action) {
        return onRegion(context, keys, route -> onSnapshot(route, s -> action.apply(new MvccReader(s))));
    }

    /**
     * Runs a write command: under the latches of {@code keys}, on a snapshot taken under them, then
     * proposes what the actions staged as one Raft command (unless the command was refused).
     */
    private <T> CompletableFuture<T> write(Kvrpcpb.Context context, List<byte[]> keys,
            BiFunction<MvccReader, MvccTxn, Staged<T>> action) {
        return onRegion(context, keys, route -> {
            List<byte[]> encoded = new ArrayList<>(keys.size());
            keys.forEach(k -> encoded.add(TxnKeys.encode(k)));
            // Flow control first: a delayed command holds no latch while it waits.
            return admit().thenCompose(admitted -> latches.run(encoded, () -> regions.snapshot(route).thenCompose(snapshot -> {
                MvccTxn txn = new MvccTxn();
                Staged<T> staged;
                try (Snapshot s = snapshot) {
                    staged = action.apply(new MvccReader(s), txn);
                }
                if (!staged.write() || txn.isEmpty()) {
                    return CompletableFuture.completedFuture(staged.response());
                }
                if (flow != null) {
                    flow.charge(txn.bytes());
                }
                return regions.write(route, txn.toRequests()).thenApply(done -> {
                    lockWaits.wake(encoded); // a lock on these keys may be gone: waiters try again
                    return staged.response();
                });
            })));
        });
    }

    /** When a write command may go on: after flow control's delay, or at once with it off. */
    private CompletableFuture<Void> admit() {
        return flow == null ? CompletableFuture.completedFuture(null) : flow.admit();
    }

    /**
     * Routes the request to its region and checks its keys, then runs {@code body}; a request
     * refused while routed (a region error) fails the future, as the API promises.
     */
    private <T> CompletableFuture<T> onRegion(Kvrpcpb.Context context, List<byte[]> keys,
            java.util.function.Function<RegionRoute, CompletableFuture<T>> body) {
        RegionRoute route;
        try {
            route = regions.route(context);
            checkKeys(route, keys);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return body.apply(route);
    }

    /** {@code fn} of a snapshot of the route's region (lease or ReadIndex), closed after. */
    private <T> CompletableFuture<T> onSnapshot(RegionRoute route, java.util.function.Function<Snapshot, T> fn) {
        return regions.snapshot(route).thenApply(snapshot -> {
            try (Snapshot s = snapshot) {
                return fn.apply(s);
            }
        });
    }

    /** Every key must lie in the region, compared encoded as the region's boundaries are. */
    private static void checkKeys(RegionRoute route, List<byte[]> keys) {
        for (byte[] key : keys) {
            if (!RegionKeys.contains(route.region(), TxnKeys.encode(key))) {
                throw RegionErrors.keyNotInRegion(key, route.region());
            }
        }
    }

    private static Set<Long> resolved(Kvrpcpb.Context context) {
        return context.getResolvedLocksCount() == 0 ? Set.of() : new HashSet<>(context.getResolvedLocksList());
    }

    private static Prewrite.Op op(Kvrpcpb.Op op) {
        return switch (op) {
            case Put -> Prewrite.Op.PUT;
            case Del -> Prewrite.Op.DELETE;
            case Lock -> Prewrite.Op.LOCK;
            case Insert -> Prewrite.Op.INSERT;
            case CheckNotExists -> Prewrite.Op.CHECK_NOT_EXISTS;
            default -> throw new TxnStorageException("mutation op " + op + " is not supported in a prewrite");
        };
    }

    private static List<byte[]> bytes(List<ByteString> keys) {
        List<byte[]> out = new ArrayList<>(keys.size());
        keys.forEach(k -> out.add(k.toByteArray()));
        return out;
    }

    /** A lock and the user key it locks. */
    private record LockedKey(byte[] key, Lock lock) {
    }

    /**
     * At most {@code limit} of the region's locks from {@code start} to {@code end} (user keys;
     * empty: the region's bounds) that {@code wanted} accepts.
     */
    private static List<LockedKey> locks(Snapshot s, RegionRoute route, ByteString start, ByteString end, int limit,
            java.util.function.Predicate<Lock> wanted) {
        byte[] lower = DataKeys.data(route.region().getStartKey().toByteArray());
        if (!start.isEmpty()) {
            byte[] from = DataKeys.data(TxnKeys.encode(start.toByteArray()));
            if (java.util.Arrays.compareUnsigned(from, lower) > 0) {
                lower = from;
            }
        }
        byte[] upper = DataKeys.dataEnd(route.region().getEndKey().toByteArray());
        if (!end.isEmpty()) {
            byte[] to = DataKeys.data(TxnKeys.encode(end.toByteArray()));
            if (java.util.Arrays.compareUnsigned(to, upper) < 0) {
                upper = to;
            }
        }
        List<LockedKey> out = new ArrayList<>();
        try (EngineIterator it = s.newIterator(ColumnFamily.LOCK, IterOptions.range(lower, upper))) {
            for (boolean ok = it.seek(lower); ok && out.size() < limit; ok = it.next()) {
                Lock lock = Lock.parse(it.value());
                if (wanted.test(lock)) {
                    out.add(new LockedKey(TxnKeys.decode(DataKeys.origin(it.key())), lock));
                }
            }
        }
        return out;
    }
}
