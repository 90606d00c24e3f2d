package io.kvasir.it.bank;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tikv.common.ByteWrapper;
import org.tikv.common.BytePairWrapper;
import org.tikv.common.Snapshot;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.common.util.ConcreteBackOffer;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.txn.KVClient;
import org.tikv.txn.TwoPhaseCommitter;

/**
 * The bank through tikv-client-java 3.3.5's transactional API, unmodified (CLIENT-NEEDS section
 * 7): a transfer reads its two accounts in a snapshot at its start_ts, then writes both and its
 * marker with {@link TwoPhaseCommitter}, the debited account as primary: prewrite the primary,
 * the secondaries, commit the primary, commit the secondaries. Locks a transfer leaves behind
 * are resolved by whoever reads them next, as the client does by itself.
 *
 * <p>Outcomes: a transfer that never reached its primary's commit did not commit, whatever went
 * wrong, because only its own client could commit it; one whose primary commit returned OK is
 * acknowledged; one whose primary commit failed is unknown (it may have been applied before the
 * answer was lost).
 */
public final class BankClient implements AutoCloseable {
    /** Budget of reads and of the primary's commit: long enough for a leader election or two. */
    static final int PATIENT_BACKOFF_MS = 20_000;
    /**
     * Budget of prewrites. Giving up a prewrite is always safe (the transfer just fails), and the
     * client spends the whole budget on a write conflict, which retrying never cures.
     */
    static final int PREWRITE_BACKOFF_MS = 3_000;
    /**
     * Lock TTL of transfers. Readers wait this long on the locks of a transfer whose client died
     * before it rolls them back; a live transfer slower than this may be rolled back under it.
     */
    static final long LOCK_TTL_MS = 4_000;
    /** Largest amount of one transfer. */
    static final int MAX_AMOUNT = 20;

    /** How a transfer's client ends: normally, or dying at one of the two moments that leave locks behind. */
    public enum Ending {
        COMPLETES,
        /** Prewrote everything, then died: its locks are rolled back by readers once their TTL passed. */
        DIES_BEFORE_COMMIT,
        /** Committed its primary, then died: readers commit its secondaries. */
        DIES_AFTER_PRIMARY_COMMIT
    }

    /** A read answered without one of the accounts it asked for, or with keys that are no account. */
    public static final class IncompleteRead extends RuntimeException {
        IncompleteRead(String message) {
            super(message);
        }
    }

    private final TiSession session;
    private final KVClient kv;
    private final int accounts;
    private final FailureReasons failures = new FailureReasons();

    public BankClient(String pdAddress, int accounts) {
        this.session = TiSession.create(TiConfiguration.createDefault(pdAddress));
        this.kv = session.createKVClient();
        this.accounts = accounts;
    }

    /** Writes every account with {@code balance} at version 0, in one transaction that must commit. */
    public void open(long balance) throws Exception {
        String value = new AccountState(balance, 0).encode();
        try (TwoPhaseCommitter committer = new TwoPhaseCommitter(session, session.getTimestamp().getVersion())) {
            byte[] primary = bytes(BankKeys.account(0));
            committer.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(PATIENT_BACKOFF_MS), primary, bytes(value));
            List<BytePairWrapper> secondaries = new ArrayList<>();
            for (int a = 1; a < accounts; a++) {
                secondaries.add(new BytePairWrapper(bytes(BankKeys.account(a)), bytes(value)));
            }
            committer.prewriteSecondaryKeys(primary, secondaries.iterator(), PATIENT_BACKOFF_MS);
            long commitTs = session.getTimestamp().getVersion();
            committer.commitPrimaryKey(ConcreteBackOffer.newCustomBackOff(PATIENT_BACKOFF_MS), primary, commitTs);
            List<ByteWrapper> keys = new ArrayList<>();
            secondaries.forEach(p -> keys.add(new ByteWrapper(p.getKey())));
            committer.commitSecondaryKeys(keys.iterator(), commitTs, PATIENT_BACKOFF_MS);
        }
    }

    /** A snapshot read of every account; an account the read did not return is null. Throws if the read failed. */
    public BalanceRead readAll() {
        Snapshot snapshot = session.createSnapshot();
        List<String> keys = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            keys.add(BankKeys.account(a));
        }
        Map<String, AccountState> found = read(snapshot, keys);
        List<AccountState> states = new ArrayList<>();
        keys.forEach(k -> states.add(found.get(k)));
        return new BalanceRead(snapshot.getVersion(), states);
    }

    /** The same as {@link #readAll()}, through a scan of the accounts' range at a fresh timestamp (KvScan). */
    public BalanceRead readAllByScan() {
        long version = session.getTimestamp().getVersion();
        Map<String, AccountState> found = new TreeMap<>();
        for (Kvrpcpb.KvPair p : kv.scan(bs(BankKeys.ACCOUNT_PREFIX), bs(BankKeys.ACCOUNT_END), version)) {
            found.put(p.getKey().toStringUtf8(), AccountState.decode(p.getValue().toStringUtf8()));
        }
        List<AccountState> states = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            states.add(found.remove(BankKeys.account(a)));
        }
        if (!found.isEmpty()) {
            throw new IncompleteRead("the scan at " + version + " found keys that are no account: " + found.keySet());
        }
        return new BalanceRead(version, states);
    }

    /**
     * Moves a random amount (at most the balance read) from account {@code from} to {@code to}.
     * Null if nothing was attempted: the snapshot read failed, or {@code from} is empty.
     *
     * @throws IncompleteRead if the snapshot read answered without one of the accounts
     */
    public Transfer transfer(String id, int from, int to, Random random, Ending ending) throws Exception {
        Snapshot snapshot;
        Map<String, AccountState> read;
        try {
            snapshot = session.createSnapshot();
            read = read(snapshot, List.of(BankKeys.account(from), BankKeys.account(to)));
        } catch (RuntimeException e) {
            return null; // no timestamp or no answer: nothing was attempted
        }
        AccountState fromBefore = read.get(BankKeys.account(from));
        AccountState toBefore = read.get(BankKeys.account(to));
        if (fromBefore == null || toBefore == null) {
            // Every account exists from the bank's opening on: a read without one is an anomaly.
            throw new IncompleteRead("account " + (fromBefore == null ? from : to) + " is missing from the read at "
                    + snapshot.getVersion());
        }
        if (fromBefore.balance() <= 0) {
            return null;
        }
        long amount = 1 + random.nextInt((int) Math.min(MAX_AMOUNT, fromBefore.balance()));
        Transfer transfer = new Transfer(id, from, to, amount, fromBefore, toBefore, Transfer.Outcome.FAILED);
        return transfer.withOutcome(write(transfer, snapshot.getVersion(), ending));
    }

    private Transfer.Outcome write(Transfer t, long startTs, Ending ending) throws Exception {
        byte[] primary = bytes(BankKeys.account(t.from()));
        List<BytePairWrapper> secondaries = List.of(
                new BytePairWrapper(bytes(BankKeys.account(t.to())), bytes(t.toAfter().encode())),
                new BytePairWrapper(bytes(BankKeys.marker(t.id())), bytes(t.markerValue())));
        try (TwoPhaseCommitter committer = new TwoPhaseCommitter(session, startTs, LOCK_TTL_MS)) {
            long commitTs;
            try {
                committer.prewritePrimaryKey(ConcreteBackOffer.newCustomBackOff(PREWRITE_BACKOFF_MS), primary,
                        bytes(t.fromAfter().encode()));
                committer.prewriteSecondaryKeys(primary, secondaries.iterator(), PREWRITE_BACKOFF_MS);
                if (ending == Ending.DIES_BEFORE_COMMIT) {
                    failures.add("died before commit, on purpose");
                    return Transfer.Outcome.FAILED;
                }
                commitTs = session.getTimestamp().getVersion();
            } catch (RuntimeException e) {
                // Nothing was committed, and nobody but this client can commit it now.
                failures.add("prewrite", e);
                return Transfer.Outcome.FAILED;
            }
            try {
                committer.commitPrimaryKey(ConcreteBackOffer.newCustomBackOff(PATIENT_BACKOFF_MS), primary, commitTs);
            } catch (RuntimeException e) {
                failures.add("commit", e);
                return Transfer.Outcome.UNKNOWN;
            }
            if (ending == Ending.COMPLETES) {
                List<ByteWrapper> keys = new ArrayList<>();
                secondaries.forEach(p -> keys.add(new ByteWrapper(p.getKey())));
                try {
                    committer.commitSecondaryKeys(keys.iterator(), commitTs, PATIENT_BACKOFF_MS);
                } catch (RuntimeException e) {
                    // The primary decides: readers commit the secondaries.
                }
            }
            return Transfer.Outcome.ACKNOWLEDGED;
        }
    }

    /** Why transfers failed or ended unknown, counted by reason. */
    public String failureReasons() {
        return failures.toString();
    }

    /** Every transfer marker visible now: transfer id to marker value. */
    public Map<String, String> markers() {
        long version = session.getTimestamp().getVersion();
        Map<String, String> out = new TreeMap<>();
        for (Kvrpcpb.KvPair p : kv.scan(bs(BankKeys.MARKER_PREFIX), bs(BankKeys.MARKER_END), version)) {
            out.put(p.getKey().toStringUtf8().substring(BankKeys.MARKER_PREFIX.length()), p.getValue().toStringUtf8());
        }
        return out;
    }

    private static Map<String, AccountState> read(Snapshot snapshot, List<String> keys) {
        List<byte[]> wanted = new ArrayList<>(); // mutable: the client sorts it in place
        keys.forEach(k -> wanted.add(bytes(k)));
        Map<String, AccountState> found = new TreeMap<>();
        for (BytePairWrapper p : snapshot.batchGet(PATIENT_BACKOFF_MS, wanted)) {
            found.put(new String(p.getKey(), StandardCharsets.UTF_8),
                    AccountState.decode(new String(p.getValue(), StandardCharsets.UTF_8)));
        }
        return found;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() throws Exception {
        kv.close();
        session.close();
    }
}
