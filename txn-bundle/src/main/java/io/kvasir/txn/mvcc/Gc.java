package io.kvasir.txn.mvcc;

import java.util.List;

/**
 * Garbage-collects one key's old versions below a safe point (TiKV's {@code gc} of a key): no
 * read at or above the safe point needs them. The newest Put at or below the safe point stays (a
 * read at the safe point sees it); everything older goes, with its value in the default column
 * family; a Delete as the newest data change goes too, since a read sees nothing either way; Lock
 * and Rollback records at or below the safe point go.
 */
public final class Gc {

    private Gc() {
    }

    /** Stages the removals; returns how many write records go. */
    public static int gcKey(MvccReader reader, MvccTxn txn, byte[] key, long safePoint) {
        List<MvccReader.Version> versions = reader.versionsAtOrBelow(key, safePoint);
        boolean newestDataChangeSeen = false;
        int removed = 0;
        for (MvccReader.Version v : versions) {
            Write w = v.write();
            boolean keep = false;
            if (!newestDataChangeSeen && w.isDataChange()) {
                newestDataChangeSeen = true;
                keep = w.type() == Write.WriteType.PUT;
            }
            if (keep) {
                continue;
            }
            txn.deleteWrite(key, v.commitTs());
            if (w.type() == Write.WriteType.PUT && w.shortValue() == null) {
                txn.deleteValue(key, w.startTs());
            }
            removed++;
        }
        return removed;
    }
}
