package io.kvasir.bench.txn;

import java.util.Locale;

/** The transactions the mix runs: how they lock and how many keys they touch. */
enum TxnKind {
    OPTIMISTIC_1("optimistic 2PC", 1, false),
    OPTIMISTIC_4("optimistic 2PC", 4, false),
    PESSIMISTIC_1("pessimistic", 1, true),
    PESSIMISTIC_4("pessimistic", 4, true);

    private final String locking;
    private final int keys;
    private final boolean pessimistic;

    TxnKind(String locking, int keys, boolean pessimistic) {
        this.locking = locking;
        this.keys = keys;
        this.pessimistic = pessimistic;
    }

    int keys() {
        return keys;
    }

    boolean pessimistic() {
        return pessimistic;
    }

    /** "optimistic 2PC, 4 keys". */
    String label() {
        return locking + ", " + keys + (keys == 1 ? " key" : " keys");
    }

    /** {@code opt1}, {@code opt4}, {@code pess1}, {@code pess4}: the names on the command line. */
    String flag() {
        return (pessimistic ? "pess" : "opt") + keys;
    }

    static TxnKind parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (TxnKind k : values()) {
            if (k.flag().equals(t)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown transaction kind '" + text + "' (expected opt1, opt4, pess1 or pess4)");
    }
}
