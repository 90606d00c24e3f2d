package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.KeySpace;
import org.tikv.kvproto.Kvrpcpb;
import org.tikv.shade.com.google.protobuf.ByteString;
import org.tikv.txn.KVClient;

/**
 * Sums the counters of every record ({@link CounterValue}) in one snapshot, through the client's
 * scan. Between two sums the total must have grown by exactly the committed key writes the driver
 * counted: more means a transaction reported as aborted committed, less means a committed update
 * was lost.
 */
final class CounterAudit {

    private final KVClient kv;
    private final Tso tso;
    private final long records;

    CounterAudit(KVClient kv, Tso tso, long records) {
        this.kv = kv;
        this.tso = tso;
        this.records = records;
    }

    /** The sum and how many records were seen, at a fresh timestamp. */
    record Sum(long total, long keys) {
    }

    Sum sum() {
        long total = 0;
        long keys = 0;
        for (Kvrpcpb.KvPair p : kv.scan(ByteString.copyFrom(KeySpace.key(0)), ByteString.copyFrom(KeySpace.key(records)),
                tso.next())) {
            total += CounterValue.read(p.getValue().toByteArray());
            keys++;
        }
        return new Sum(total, keys);
    }
}
