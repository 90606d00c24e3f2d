package io.kvasir.it.bank;

/**
 * What one account's key holds: its balance and its version, the number of committed transfers
 * that touched it. The version makes lost updates and long forks visible in a history: every
 * transfer moves its two accounts from the versions it read to the next ones.
 */
public record AccountState(long balance, long version) {

    /** The value stored under the account's key, e.g. {@code 100@0}. */
    public String encode() {
        return balance + "@" + version;
    }

    public static AccountState decode(String value) {
        int at = value.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("not an account value: '" + value + "'");
        }
        return new AccountState(Long.parseLong(value.substring(0, at)), Long.parseLong(value.substring(at + 1)));
    }

    /** This account after a transfer that adds {@code delta} (negative for a debit). */
    public AccountState plus(long delta) {
        return new AccountState(balance + delta, version + 1);
    }

    @Override
    public String toString() {
        return encode();
    }
}
