package io.kvasir.it.bank;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot read of every account at timestamp {@code ts}: the state of each account by index,
 * {@code null} where the read did not return the account at all.
 */
public record BalanceRead(long ts, List<AccountState> accounts) {

    public BalanceRead {
        // A copy that keeps the nulls (List.copyOf refuses them).
        accounts = Collections.unmodifiableList(new ArrayList<>(accounts));
    }

    public boolean isWhole() {
        return accounts.stream().allMatch(Objects::nonNull);
    }

    public long total() {
        return accounts.stream().filter(Objects::nonNull).mapToLong(AccountState::balance).sum();
    }

    public long version(int account) {
        return accounts.get(account).version();
    }

    /** Pointwise: every account's version here is at most its version in {@code other}. */
    public boolean versionsAtMost(BalanceRead other) {
        for (int i = 0; i < accounts.size(); i++) {
            if (version(i) > other.version(i)) {
                return false;
            }
        }
        return true;
    }

    public long versionSum() {
        return accounts.stream().mapToLong(AccountState::version).sum();
    }

    @Override
    public String toString() {
        return "read@" + ts + " " + accounts;
    }
}
