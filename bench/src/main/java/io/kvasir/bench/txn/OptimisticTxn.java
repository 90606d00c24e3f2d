package io.kvasir.bench.txn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tikv.common.BytePairWrapper;
import org.tikv.common.ByteWrapper;
import org.tikv.common.TiSession;
import org.tikv.common.util.ConcreteBackOffer;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.txn.KVClient;
import org.tikv.txn.TwoPhaseCommitter;

/**
 * An optimistic read-modify-write through tikv-client-java 3.3.5, driven as its own tests drive it
 * (it/.../TxnKvClientTest): a snapshot read of the keys at start_ts ({@link KVClient#batchGet}),
 * then {@link TwoPhaseCommitter}: prewrite of the primary, of the secondaries, commit of the
 * primary at a new timestamp, commit of the secondaries. A write committed to a key after start_ts
 * makes the prewrite fail: the transaction aborts (it is not retried; the report counts it).
 *
 * <p>The client has no rollback in its API and leaves the locks of a failed 2PC behind (for an
 * hour, by its default TTL); TiDB cleans them up, and so does this driver, over kvproto
 * ({@link TxnUndo}), with a short TTL as the backstop.
 */
final class OptimisticTxn implements ReadModifyWrite {

    private final TiSession session;
    private final Tso tso;
    private final TxnSettings settings;
    private final TxnUndo undo;
    private final CommitLog log;

    OptimisticTxn(TiSession session, Tso tso, TxnSettings settings, PercolatorRpc rpc, CommitLog log) {
        this.session = session;
        this.tso = tso;
        this.settings = settings;
        this.undo = new TxnUndo(rpc);
        this.log = log;
    }

    @Override
    public int run(List<byte[]> keys) throws TxnAborted {
        long startTs = tso.next();
        Map<ByteString, byte[]> values = read(keys, startTs);
        byte[] primary = keys.get(0);
        TwoPhaseCommitter committer = new TwoPhaseCommitter(session, startTs, settings.lockTtlMillis());
        boolean committed = false;
        long commitTs = 0;
        try {
            committer.prewritePrimaryKey(backoff(), primary, next(values, primary));
            if (keys.size() > 1) {
                List<BytePairWrapper> secondaries = new ArrayList<>();
                for (byte[] k : keys.subList(1, keys.size())) {
                    secondaries.add(new BytePairWrapper(k, next(values, k)));
                }
                committer.prewriteSecondaryKeys(primary, secondaries.iterator(), settings.backoffMillis());
            }
            commitTs = tso.next();
            committer.commitPrimaryKey(backoff(), primary, commitTs);
            committed = true;
            if (keys.size() > 1) {
                List<ByteWrapper> secondaries = new ArrayList<>();
                keys.subList(1, keys.size()).forEach(k -> secondaries.add(new ByteWrapper(k)));
                committer.commitSecondaryKeys(secondaries.iterator(), commitTs, settings.backoffMillis());
            }
            logCommitted(keys, values, startTs, commitTs);
            return 0;
        } catch (RuntimeException e) {
            if (committed || undo.rollBack(keys, startTs)) {
                logCommitted(keys, values, startTs, committed ? commitTs : 0);
                return 0; // committed with its primary; readers commit the secondaries they meet
            }
            throw new TxnAborted(ClientErrors.classify(e), "optimistic 2PC: " + e.getMessage(), e);
        } finally {
            close(committer);
        }
    }

    private void logCommitted(List<byte[]> keys, Map<ByteString, byte[]> values, long startTs, long commitTs) {
        for (byte[] k : keys) {
            log.committed(k, CounterValue.read(values.get(ByteString.copyFrom(k))) + 1, startTs, commitTs);
        }
    }

    /** Ends the thread pool the client creates for each committer. */
    private static void close(TwoPhaseCommitter committer) {
        try {
            committer.close();
        } catch (Exception ignored) {
            // shutdownNow of its pool: nothing to report
        }
    }

    /** The keys' values at {@code startTs}; a key without one reads as counter 0. */
    private Map<ByteString, byte[]> read(List<byte[]> keys, long startTs) throws TxnAborted {
        List<ByteString> wanted = new ArrayList<>(keys.size());
        keys.forEach(k -> wanted.add(ByteString.copyFrom(k)));
        Map<ByteString, byte[]> values = new HashMap<>();
        // A KVClient of its own for each read: tikv-client-java 3.3.5's KVClient keeps the locks one
        // batchGet was allowed to read past (their min_commit_ts pushed above ITS start_ts) in a
        // field shared by every later batchGet, at any start_ts. A shared client thus lets a newer
        // snapshot skip a lock whose transaction may still commit below it: lost updates that are
        // the client's, not the store's (TiKV trusts resolved_locks just the same).
        try (KVClient reader = session.createKVClient()) {
            for (Kvrpcpb.KvPair p : reader.batchGet(backoff(), wanted, startTs)) {
                values.put(p.getKey(), p.getValue().toByteArray());
            }
        } catch (RuntimeException e) {
            AbortCause c = ClientErrors.classify(e);
            // A read gives up on a lock it could not get past: that lock is why.
            throw new TxnAborted(c == AbortCause.OTHER && String.valueOf(e.getMessage()).contains("locks not resolved")
                    ? AbortCause.KEY_LOCKED : c, "snapshot read: " + e.getMessage(), e);
        }
        return values;
    }

    private byte[] next(Map<ByteString, byte[]> values, byte[] key) {
        return CounterValue.of(CounterValue.read(values.get(ByteString.copyFrom(key))) + 1, settings.valueSize());
    }

    private ConcreteBackOffer backoff() {
        return ConcreteBackOffer.newCustomBackOff(settings.backoffMillis());
    }
}
