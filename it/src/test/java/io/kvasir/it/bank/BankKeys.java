package io.kvasir.it.bank;

/** Where the bank lives in the key space: one key per account, one marker key per transfer. */
public final class BankKeys {
    public static final String ACCOUNT_PREFIX = "bank/account/";
    /** The first key after every account. */
    public static final String ACCOUNT_END = "bank/account0";
    /** Transfer markers sort together, so a scan of this prefix finds every committed transfer. */
    public static final String MARKER_PREFIX = "bank/transfer/";
    /** The first key after every marker: the end of their scan. */
    public static final String MARKER_END = "bank/transfer0";

    private BankKeys() {
    }

    public static String account(int index) {
        return String.format(ACCOUNT_PREFIX + "%02d", index);
    }

    public static String marker(String transferId) {
        return MARKER_PREFIX + transferId;
    }
}
