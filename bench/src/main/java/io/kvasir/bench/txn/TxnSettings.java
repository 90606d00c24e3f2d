package io.kvasir.bench.txn;

/**
 * How the mix's transactions behave, the same for every kind.
 *
 * @param valueSize            bytes per value (counter plus padding)
 * @param lockTtlMillis        TTL of every lock written: how long a lock left by a dead
 *                             transaction blocks others (TiDB's default for small transactions is 3 s)
 * @param lockWaitMillis       how long a pessimistic lock request waits for another's lock
 * @param maxStatementRetries  pessimistic statement retries (write conflict: lock again with a newer
 *                             for_update_ts) before the transaction gives up
 * @param backoffMillis        tikv-client-java's backoff budget for one prewrite, commit or read
 */
record TxnSettings(int valueSize, long lockTtlMillis, long lockWaitMillis, int maxStatementRetries,
                   int backoffMillis) {
}
