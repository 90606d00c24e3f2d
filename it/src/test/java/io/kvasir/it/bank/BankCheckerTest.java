package io.kvasir.it.bank;

import static io.kvasir.it.bank.Transfer.Outcome.ACKNOWLEDGED;
import static io.kvasir.it.bank.Transfer.Outcome.FAILED;
import static io.kvasir.it.bank.Transfer.Outcome.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-made histories: a clean one passes, and each kind of anomaly is caught. */
class BankCheckerTest {

    /**
     * A bank of four accounts of 100 and a timestamp clock. {@link #commit} applies a transfer to
     * the committed state and writes its marker, as a correct database would; the anomalies are
     * made by hand around it.
     */
    private static final class Bank {
        final List<AccountState> state = new ArrayList<>(List.of(
                new AccountState(100, 0), new AccountState(100, 0), new AccountState(100, 0), new AccountState(100, 0)));
        final List<Transfer> transfers = new ArrayList<>();
        final List<BalanceRead> reads = new ArrayList<>();
        final Map<String, String> markers = new LinkedHashMap<>();
        long ts;

        /** A transfer computed from the current committed state, not applied. */
        Transfer attempt(String id, int from, int to, long amount, Transfer.Outcome outcome) {
            Transfer t = new Transfer(id, from, to, amount, state.get(from), state.get(to), outcome);
            transfers.add(t);
            return t;
        }

        Transfer commit(String id, int from, int to, long amount, Transfer.Outcome outcome) {
            return apply(attempt(id, from, to, amount, outcome));
        }

        /** Writes the transfer's effects and marker, whatever state they were computed from. */
        Transfer apply(Transfer t) {
            state.set(t.from(), t.fromAfter());
            state.set(t.to(), t.toAfter());
            markers.put(t.id(), t.markerValue());
            return t;
        }

        BalanceRead read() {
            BalanceRead r = new BalanceRead(++ts, state);
            reads.add(r);
            return r;
        }

        List<String> violations() {
            return BankChecker.violations(new BankHistory(4, 100, transfers, reads, new BalanceRead(++ts, state), markers));
        }
    }

    private static void assertCaught(String rule, List<String> violations) {
        assertTrue(violations.stream().anyMatch(v -> v.startsWith(rule + ": ")),
                "expected a '" + rule + "' violation, got " + violations);
    }

    @Test
    void aCleanHistoryPasses() {
        Bank bank = new Bank();
        bank.read();
        bank.commit("t1", 0, 1, 10, ACKNOWLEDGED);
        bank.read();
        bank.attempt("t2", 1, 2, 30, FAILED);
        bank.commit("t3", 1, 2, 20, UNKNOWN); // committed after all
        bank.attempt("t4", 3, 0, 5, UNKNOWN); // never committed
        bank.read();
        bank.commit("t5", 2, 0, 1, ACKNOWLEDGED);
        bank.read();
        assertEquals(List.of(), bank.violations());
    }

    @Test
    void twoCommittedTransfersFromOneVersionAreALostUpdate() {
        Bank bank = new Bank();
        Transfer first = bank.attempt("t1", 0, 1, 10, ACKNOWLEDGED);
        Transfer second = bank.attempt("t2", 0, 2, 5, ACKNOWLEDGED);
        bank.apply(first);
        bank.apply(second); // overwrites account 0 as if t1 had never debited it
        List<String> violations = bank.violations();
        assertCaught("lost update", violations);
        assertCaught("wrong total", violations);
    }

    @Test
    void readsThatSeeDisjointTransfersInOppositeOrdersAreALongFork() {
        Bank bank = new Bank();
        List<AccountState> before = List.copyOf(bank.state);
        bank.commit("t1", 0, 1, 10, ACKNOWLEDGED);
        List<AccountState> withT1 = List.copyOf(bank.state);
        bank.commit("t2", 2, 3, 10, ACKNOWLEDGED);
        // One read sees t1 without t2, another t2 without t1: each total is right.
        bank.reads.add(new BalanceRead(++bank.ts, withT1));
        bank.reads.add(new BalanceRead(++bank.ts, List.of(before.get(0), before.get(1), bank.state.get(2), bank.state.get(3))));
        List<String> violations = bank.violations();
        assertCaught("long fork", violations);
        assertTrue(violations.stream().noneMatch(v -> v.startsWith("wrong total")), violations.toString());
    }

    @Test
    void aReadOfHalfATransferHasTheWrongTotal() {
        Bank bank = new Bank();
        bank.commit("t1", 0, 1, 10, ACKNOWLEDGED);
        // The credit without the debit: a fractured read.
        bank.reads.add(new BalanceRead(++bank.ts, List.of(new AccountState(100, 0), bank.state.get(1),
                bank.state.get(2), bank.state.get(3))));
        assertCaught("wrong total", bank.violations());
    }

    @Test
    void anAcknowledgedTransferWithoutItsMarkerIsLost() {
        Bank bank = new Bank();
        bank.attempt("t1", 0, 1, 10, ACKNOWLEDGED);
        assertCaught("lost transfer", bank.violations());
    }

    @Test
    void aFailedTransferThatCommittedOrAMarkerNobodyWroteIsInvented() {
        Bank bank = new Bank();
        bank.commit("t1", 0, 1, 10, FAILED);
        bank.markers.put("t9", "0>1:1 from 100@0,100@0");
        List<String> violations = bank.violations();
        assertCaught("invented transfer", violations);
        assertEquals(2, violations.stream().filter(v -> v.startsWith("invented transfer")).count(), violations.toString());
    }

    @Test
    void finalBalancesMustBeTheInitialOnesPlusTheCommittedTransfers() {
        Bank bank = new Bank();
        bank.commit("t1", 0, 1, 10, UNKNOWN);
        bank.commit("t2", 0, 2, 10, ACKNOWLEDGED);
        bank.markers.remove("t1"); // applied, but its marker is gone: half a transaction
        List<String> violations = bank.violations();
        assertCaught("wrong final balance", violations);
        assertCaught("gap in versions", violations);
        assertCaught("wrong final version", violations);
    }

    @Test
    void aLaterReadThatMissesWhatAnEarlierOneSawIsStale() {
        Bank bank = new Bank();
        List<AccountState> before = List.copyOf(bank.state);
        bank.commit("t1", 0, 1, 10, ACKNOWLEDGED);
        bank.read();
        bank.reads.add(new BalanceRead(++bank.ts, before));
        assertCaught("stale read", bank.violations());
    }

    @Test
    void aReadOfAFailedTransfersWritesIsDirty() {
        Bank bank = new Bank();
        Transfer failed = bank.attempt("t1", 0, 1, 10, FAILED);
        bank.reads.add(new BalanceRead(++bank.ts, List.of(failed.fromAfter(), failed.toAfter(),
                bank.state.get(2), bank.state.get(3))));
        assertCaught("dirty read", bank.violations());
    }

    @Test
    void aReadMissingAnAccountIsIncomplete() {
        Bank bank = new Bank();
        List<AccountState> missing = new ArrayList<>(bank.state);
        missing.set(2, null);
        bank.reads.add(new BalanceRead(++bank.ts, missing));
        assertCaught("incomplete read", bank.violations());
    }

    @Test
    void accountValuesRoundTrip() {
        assertEquals(new AccountState(-3, 17), AccountState.decode(new AccountState(-3, 17).encode()));
        assertEquals(new AccountState(90, 1), new AccountState(100, 0).plus(-10));
    }
}
