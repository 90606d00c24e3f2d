package io.kvasir.bench.txn;

import com.google.protobuf.ByteString;
import io.kvasir.bench.ycsb.KeySpace;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every record once, counter 0, so that the transactions read existing values: plain 2PC
 * transactions of {@link #BATCH} keys each over kvproto.
 */
final class Loader {

    static final int BATCH = 256;
    private static final long TTL_MILLIS = 10_000;

    private final PercolatorRpc rpc;
    private final Tso tso;

    Loader(PercolatorRpc rpc, Tso tso) {
        this.rpc = rpc;
        this.tso = tso;
    }

    void load(long records, int valueSize) {
        ByteString zero = ByteString.copyFrom(CounterValue.of(0, valueSize));
        for (long first = 0; first < records; first += BATCH) {
            Map<ByteString, ByteString> mutations = new LinkedHashMap<>();
            List<byte[]> keys = new ArrayList<>();
            for (long r = first; r < Math.min(records, first + BATCH); r++) {
                byte[] k = KeySpace.key(r);
                keys.add(k);
                mutations.put(ByteString.copyFrom(k), zero);
            }
            long startTs = tso.next();
            check("prewrite", rpc.prewrite(mutations, keys.get(0), startTs, TTL_MILLIS, 0));
            long commitTs = tso.next();
            check("commit", rpc.commit(keys.subList(0, 1), startTs, commitTs));
            check("commit", rpc.commit(keys.subList(1, keys.size()), startTs, commitTs));
        }
    }

    private static void check(String what, List<Kvrpcpb.KeyError> errors) {
        if (!errors.isEmpty()) {
            throw new IllegalStateException("loading: " + what + " failed: " + StoreKeyErrors.describe(errors.get(0)));
        }
    }
}
