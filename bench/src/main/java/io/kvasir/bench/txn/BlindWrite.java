package io.kvasir.bench.txn;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Kvrpcpb;
import java.util.List;
import java.util.Map;

/**
 * The burst's write: a transaction of one key and no read, prewrite then commit, over kvproto.
 * Both commands pass the stores' flow control (it gates transactional write commands, not raw
 * puts). No client-side retry beyond {@link RegionCalls}' own, so a stall shows as it is.
 */
final class BlindWrite {

    private final PercolatorRpc rpc;
    private final Tso tso;
    private final long ttlMillis;
    private final TxnUndo undo;

    BlindWrite(PercolatorRpc rpc, Tso tso, long ttlMillis) {
        this.rpc = rpc;
        this.tso = tso;
        this.ttlMillis = ttlMillis;
        this.undo = new TxnUndo(rpc);
    }

    void write(byte[] key, byte[] value) throws TxnAborted {
        long startTs = tso.next();
        List<byte[]> keys = List.of(key);
        try {
            List<Kvrpcpb.KeyError> errors = rpc.prewrite(Map.of(ByteString.copyFrom(key), ByteString.copyFrom(value)),
                    key, startTs, ttlMillis, 0);
            if (errors.isEmpty()) {
                errors = rpc.commit(keys, startTs, tso.next());
            }
            if (!errors.isEmpty()) {
                if (undo.rollBack(keys, startTs)) {
                    return;
                }
                throw new TxnAborted(StoreKeyErrors.causeOf(errors.get(0)), StoreKeyErrors.describe(errors.get(0)));
            }
        } catch (RuntimeException e) {
            if (undo.rollBack(keys, startTs)) {
                return;
            }
            throw new TxnAborted(AbortCause.OTHER, String.valueOf(e.getMessage()), e);
        }
    }
}
