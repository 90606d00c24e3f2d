package io.kvasir.it.bank;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a bank run's history against snapshot isolation, Jepsen-style:
 * <ul>
 *   <li>every snapshot read returns every account, and the same total;</li>
 *   <li>every acknowledged transfer left its marker, no failed one did, and no marker is of a
 *       transfer nobody attempted: the committed transfers are exactly those with a marker;</li>
 *   <li>the final balances are the initial ones plus the net of exactly the committed transfers;</li>
 *   <li>no lost update: no two committed transfers moved one account from the same version, and
 *       each account's committed versions run 0, 1, 2, ... with no gap (a write committed
 *       without its marker) and none read by a writer that no committed transfer produced;</li>
 *   <li>every read saw, for each account, a state some committed transfer produced (no dirty or
 *       aborted read);</li>
 *   <li>no long fork: the version vectors of any two reads are comparable, and they grow with the
 *       reads' timestamps (a read at a later timestamp sees everything an earlier one saw).</li>
 * </ul>
 * A broken rule is reported as one line per case, at most {@value #SHOWN_PER_RULE} per rule.
 */
public final class BankChecker {
    static final int SHOWN_PER_RULE = 10;

    private final BankHistory history;
    private final Map<String, List<String>> broken = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    private BankChecker(BankHistory history) {
        this.history = history;
    }

    /** What is wrong with the history, one line per case; empty if nothing is. */
    public static List<String> violations(BankHistory history) {
        BankChecker checker = new BankChecker(history);
        checker.check();
        return checker.report();
    }

    private void check() {
        List<BalanceRead> reads = new ArrayList<>(history.reads());
        reads.add(history.finalRead());
        checkReadsAreWholeWithTheSameTotal(reads);
        List<Transfer> committed = committedTransfers();
        checkFinalBalances(committed);
        Map<Integer, TreeMap<Long, Long>> produced = checkVersionChains(committed);
        List<BalanceRead> whole = reads.stream().filter(BalanceRead::isWhole).toList();
        checkReadsSawCommittedStates(whole, produced);
        checkNoLongFork(whole);
        checkReadsGrowWithTimestamps(whole);
    }

    private void checkReadsAreWholeWithTheSameTotal(List<BalanceRead> reads) {
        for (BalanceRead read : reads) {
            if (!read.isWhole()) {
                fail("incomplete read", read + " did not return every account");
            } else if (read.total() != history.expectedTotal()) {
                fail("wrong total", read + " totals " + read.total() + ", not " + history.expectedTotal());
            }
        }
    }

    /** The transfers whose marker exists, after checking the markers against the outcomes. */
    private List<Transfer> committedTransfers() {
        Map<String, Transfer> byId = history.transfers().stream()
                .collect(Collectors.toMap(Transfer::id, Function.identity()));
        for (Map.Entry<String, String> marker : history.markers().entrySet()) {
            Transfer t = byId.get(marker.getKey());
            if (t == null) {
                fail("invented transfer", "marker " + marker.getKey() + "=" + marker.getValue()
                        + " of a transfer nobody attempted");
            } else if (!t.markerValue().equals(marker.getValue())) {
                fail("invented transfer", "marker of " + t + " holds " + marker.getValue());
            }
        }
        List<Transfer> committed = new ArrayList<>();
        for (Transfer t : history.transfers()) {
            boolean marked = history.markers().containsKey(t.id());
            if (t.outcome() == Transfer.Outcome.ACKNOWLEDGED && !marked) {
                fail("lost transfer", "acknowledged " + t + " left no marker");
            } else if (t.outcome() == Transfer.Outcome.FAILED && marked) {
                fail("invented transfer", "failed " + t + " left a marker");
            }
            if (marked) {
                committed.add(t);
            }
        }
        return committed;
    }

    private void checkFinalBalances(List<Transfer> committed) {
        BalanceRead last = history.finalRead();
        if (!last.isWhole()) {
            return; // reported as an incomplete read
        }
        long[] expected = new long[history.accounts()];
        Arrays.fill(expected, history.initialBalance());
        for (Transfer t : committed) {
            expected[t.from()] -= t.amount();
            expected[t.to()] += t.amount();
        }
        for (int a = 0; a < history.accounts(); a++) {
            if (last.accounts().get(a).balance() != expected[a]) {
                fail("wrong final balance", "account " + a + " ends at " + last.accounts().get(a).balance()
                        + ", but the initial balance and the " + committed.size() + " committed transfers make "
                        + expected[a]);
            }
        }
    }

    /**
     * Per account, the states the committed transfers produced (version to balance, starting
     * from the initial state at version 0), after checking that they form one chain.
     */
    private Map<Integer, TreeMap<Long, Long>> checkVersionChains(List<Transfer> committed) {
        Map<Integer, TreeMap<Long, Long>> produced = new HashMap<>();
        Map<Integer, Map<Long, Transfer>> movedFrom = new HashMap<>();
        for (int a = 0; a < history.accounts(); a++) {
            produced.computeIfAbsent(a, k -> new TreeMap<>()).put(0L, history.initialBalance());
        }
        for (Transfer t : committed) {
            recordMove(t, t.from(), t.fromBefore(), t.fromAfter(), produced, movedFrom);
            recordMove(t, t.to(), t.toBefore(), t.toAfter(), produced, movedFrom);
        }
        for (Transfer t : committed) {
            checkReadACommittedState(t, t.from(), t.fromBefore(), produced);
            checkReadACommittedState(t, t.to(), t.toBefore(), produced);
        }
        for (int a = 0; a < history.accounts(); a++) {
            TreeMap<Long, Long> states = produced.get(a);
            if (states.lastKey() != states.size() - 1) {
                fail("gap in versions", "account " + a + " has committed versions " + states.keySet()
                        + ": a write committed without its transfer's marker, or a marker without its writes");
            }
            BalanceRead last = history.finalRead();
            if (last.isWhole()) {
                AccountState end = last.accounts().get(a);
                AccountState lastCommitted = new AccountState(states.lastEntry().getValue(), states.lastKey());
                if (!end.equals(lastCommitted)) {
                    fail("wrong final version", "account " + a + " ends at " + end
                            + ", but its last committed state is " + lastCommitted);
                }
            }
        }
        return produced;
    }

    private void recordMove(Transfer t, int account, AccountState before, AccountState after,
                            Map<Integer, TreeMap<Long, Long>> produced, Map<Integer, Map<Long, Transfer>> movedFrom) {
        Transfer earlier = movedFrom.computeIfAbsent(account, k -> new HashMap<>()).putIfAbsent(before.version(), t);
        if (earlier != null) {
            fail("lost update", "committed " + earlier + " and " + t + " both moved account " + account
                    + " from version " + before.version());
            return;
        }
        produced.computeIfAbsent(account, k -> new TreeMap<>()).put(after.version(), after.balance());
    }

    private void checkReadACommittedState(Transfer t, int account, AccountState before,
                                          Map<Integer, TreeMap<Long, Long>> produced) {
        Long balance = produced.get(account).get(before.version());
        if (balance == null || balance != before.balance()) {
            fail("dirty read", "committed " + t + " read account " + account + " as " + before
                    + ", a state no committed transfer produced");
        }
    }

    private void checkReadsSawCommittedStates(List<BalanceRead> reads, Map<Integer, TreeMap<Long, Long>> produced) {
        for (BalanceRead read : reads) {
            for (int a = 0; a < history.accounts(); a++) {
                AccountState seen = read.accounts().get(a);
                Long balance = produced.get(a).get(seen.version());
                if (balance == null || balance != seen.balance()) {
                    fail("dirty read", read + " saw account " + a + " as " + seen
                            + ", a state no committed transfer produced");
                }
            }
        }
    }

    /**
     * Any two reads' version vectors must be comparable. Sorted by the sum of their versions, a
     * read can only be at most the next one; if every neighbour pair is, all pairs are.
     */
    private void checkNoLongFork(List<BalanceRead> reads) {
        List<BalanceRead> sorted = reads.stream()
                .sorted(Comparator.comparingLong(BalanceRead::versionSum).thenComparingLong(BalanceRead::ts)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            BalanceRead a = sorted.get(i - 1);
            BalanceRead b = sorted.get(i);
            if (!a.versionsAtMost(b)) {
                fail("long fork", a + " and " + b + " saw incomparable versions");
            }
        }
    }

    /** Snapshot isolation on one timestamp oracle: a later snapshot contains every earlier one. */
    private void checkReadsGrowWithTimestamps(List<BalanceRead> reads) {
        List<BalanceRead> sorted = reads.stream().sorted(Comparator.comparingLong(BalanceRead::ts)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            BalanceRead a = sorted.get(i - 1);
            BalanceRead b = sorted.get(i);
            if (!a.versionsAtMost(b)) {
                fail("stale read", b + " missed versions that the earlier " + a + " saw");
            }
        }
    }

    private void fail(String rule, String what) {
        int n = counts.merge(rule, 1, Integer::sum);
        if (n <= SHOWN_PER_RULE) {
            broken.computeIfAbsent(rule, k -> new ArrayList<>()).add(rule + ": " + what);
        }
    }

    private List<String> report() {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<String>> rule : broken.entrySet()) {
            lines.addAll(rule.getValue());
            int more = counts.get(rule.getKey()) - SHOWN_PER_RULE;
            if (more > 0) {
                lines.add(rule.getKey() + ": ... and " + more + " more");
            }
        }
        return lines;
    }
}
