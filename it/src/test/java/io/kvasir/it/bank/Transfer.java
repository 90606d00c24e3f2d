package io.kvasir.it.bank;

/**
 * One transfer attempt as its client saw it: {@code amount} moved from account {@code from} to
 * account {@code to}, computed from the states it read in its snapshot, and what came of it. The
 * same transaction writes the marker key {@link BankKeys#marker(String) of its id}, so whether it
 * committed can be told afterwards.
 */
public record Transfer(String id, int from, int to, long amount, AccountState fromBefore, AccountState toBefore,
                       Outcome outcome) {

    public enum Outcome {
        /** The primary's commit returned OK: it must be visible afterwards. */
        ACKNOWLEDGED,
        /** The primary's commit failed with an unclear error: it may or may not have committed. */
        UNKNOWN,
        /** It never reached the primary's commit (prewrite failed, or its client gave up): it must not be visible. */
        FAILED
    }

    public AccountState fromAfter() {
        return fromBefore.plus(-amount);
    }

    public AccountState toAfter() {
        return toBefore.plus(amount);
    }

    /** The value of the marker key: what the transfer did, to check a found marker against. */
    public String markerValue() {
        return from + ">" + to + ":" + amount + " from " + fromBefore + "," + toBefore;
    }

    public Transfer withOutcome(Outcome outcome) {
        return new Transfer(id, from, to, amount, fromBefore, toBefore, outcome);
    }

    @Override
    public String toString() {
        return id + " " + markerValue() + " " + outcome;
    }
}
