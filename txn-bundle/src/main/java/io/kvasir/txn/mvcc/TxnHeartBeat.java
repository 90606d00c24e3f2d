package io.kvasir.txn.mvcc;

/** Keeps a long transaction alive (TiKV {@code commands::txn_heart_beat}): raises its primary lock's TTL. */
public final class TxnHeartBeat {

    private TxnHeartBeat() {
    }

    /**
     * Sets the primary lock's TTL to {@code max(current, adviseTtl)} and returns it.
     *
     * @throws TxnException.TxnNotFound when the primary holds no lock of the transaction
     */
    public static long heartBeat(MvccReader reader, MvccTxn txn, byte[] primary, long startTs, long adviseTtl) {
        Lock lock = reader.lock(primary);
        if (lock == null || lock.startTs() != startTs) {
            throw new TxnException.TxnNotFound(primary, startTs);
        }
        if (adviseTtl > lock.ttl()) {
            txn.putLock(primary, lock.withTtl(adviseTtl));
            return adviseTtl;
        }
        return lock.ttl();
    }
}
