package io.kvasir.bench.txn;

import java.util.List;

/**
 * One kind of read-modify-write transaction: read the keys, add one to each key's counter
 * ({@link CounterValue}), write them back, commit. Implementations are thread-safe.
 */
interface ReadModifyWrite {

    /**
     * Runs one transaction over {@code keys} (distinct; the first is the primary).
     *
     * @return how many times a statement was retried inside the transaction (a pessimistic lock
     *         that met a newer write and took it again with a newer for_update_ts); 0 for optimistic
     * @throws TxnAborted if it did not commit, after undoing what it wrote
     */
    int run(List<byte[]> keys) throws TxnAborted;
}
