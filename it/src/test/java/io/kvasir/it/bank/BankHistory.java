package io.kvasir.it.bank;

import java.util.List;
import java.util.Map;

/**
 * Everything a bank run recorded, for {@link BankChecker}.
 *
 * @param accounts       number of accounts
 * @param initialBalance what each account held before any transfer (at version 0)
 * @param transfers      every transfer attempt that got as far as choosing its amount
 * @param reads          the snapshot reads of all accounts taken during the run
 * @param finalRead      a read of all accounts once the run was over and the cluster whole
 * @param markers        the marker keys found at the end: transfer id to marker value
 */
public record BankHistory(int accounts, long initialBalance, List<Transfer> transfers, List<BalanceRead> reads,
                          BalanceRead finalRead, Map<String, String> markers) {

    public long expectedTotal() {
        return accounts * initialBalance;
    }
}
