package io.kvasir.bench.txn;

/** Why a transaction did not commit. The report has a column for each. */
enum AbortCause {
    /**
     * A write to one of its keys committed after the transaction's snapshot (TiKV's
     * {@code WriteConflict} answered to an optimistic prewrite): the classic optimistic abort.
     */
    WRITE_CONFLICT("write conflict"),
    /**
     * Another transaction's live lock was in the way and not waited out: for optimistic 2PC the
     * client's own verdict on a younger transaction's lock (its {@code WriteConflictException}), or
     * a snapshot read that could not get past a lock; for pessimistic locking, the lock wait timed
     * out.
     */
    KEY_LOCKED("key locked"),
    /** A pessimistic lock wait would have closed a cycle; the store's detector refused it. */
    DEADLOCK("deadlock"),
    /**
     * The retry budget ran out first: the client's backoff (waiting for an older lock to expire,
     * region errors), or too many pessimistic statement retries on write conflicts.
     */
    RETRIES_EXHAUSTED("retries exhausted"),
    /** Its primary lock was gone at commit: another transaction had rolled it back. */
    LOCK_LOST("lock lost"),
    /** Anything else: an RPC that kept failing, an unexpected key error (the report lists the messages). */
    OTHER("other");

    private final String label;

    AbortCause(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
