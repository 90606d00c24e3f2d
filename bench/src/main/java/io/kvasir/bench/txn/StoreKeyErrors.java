package io.kvasir.bench.txn;

import io.kvasir.kvproto.Kvrpcpb;

/** The abort cause a store's KeyError (Kvasir's own kvproto classes) names. */
final class StoreKeyErrors {

    private StoreKeyErrors() {
    }

    static AbortCause causeOf(Kvrpcpb.KeyError e) {
        if (e.hasConflict()) {
            return AbortCause.WRITE_CONFLICT;
        }
        if (e.hasDeadlock()) {
            return AbortCause.DEADLOCK;
        }
        if (e.hasLocked()) {
            return AbortCause.KEY_LOCKED;
        }
        if (e.hasTxnNotFound() || e.getRetryable().contains("txn lock not found")) {
            return AbortCause.LOCK_LOST;
        }
        return AbortCause.OTHER;
    }

    /** One line for the error log: the kind of error without the keys' bytes. */
    static String describe(Kvrpcpb.KeyError e) {
        String text = e.toString().replace('\n', ' ');
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
