package io.kvasir.bench.txn;

/** A source of PD timestamps: start, for_update and commit timestamps of the transactions. */
interface Tso {

    /** A timestamp newer than every one handed out before this call. */
    long next();
}
