package io.kvasir.txn.mvcc;

import com.google.protobuf.ByteString;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.kvproto.RaftCmdpb;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine changes one transactional command makes (TiKV's {@code MvccTxn}), in order: puts and
 * deletes in the {@code default}, {@code lock} and {@code write} column families, keyed as
 * {@link TxnKeys} lays them out. They become one Raft command ({@link #toRequests}), so they are
 * applied on every replica together or not at all.
 */
public final class MvccTxn {

    /** One change; {@code value} is null for a delete. Keys carry no data prefix. */
    public record Modify(ColumnFamily cf, byte[] key, byte[] value) {
    }

    private final List<Modify> modifies = new ArrayList<>();

    void putLock(byte[] userKey, Lock lock) {
        modifies.add(new Modify(ColumnFamily.LOCK, TxnKeys.encode(userKey), lock.toBytes()));
    }

    void unlock(byte[] userKey) {
        modifies.add(new Modify(ColumnFamily.LOCK, TxnKeys.encode(userKey), null));
    }

    void putValue(byte[] userKey, long startTs, byte[] value) {
        modifies.add(new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(TxnKeys.encode(userKey), startTs), value));
    }

    void deleteValue(byte[] userKey, long startTs) {
        modifies.add(new Modify(ColumnFamily.DEFAULT, TxnKeys.withTs(TxnKeys.encode(userKey), startTs), null));
    }

    void deleteWrite(byte[] userKey, long commitTs) {
        modifies.add(new Modify(ColumnFamily.WRITE, TxnKeys.withTs(TxnKeys.encode(userKey), commitTs), null));
    }

    void putWrite(byte[] userKey, long commitTs, Write write) {
        modifies.add(new Modify(ColumnFamily.WRITE, TxnKeys.withTs(TxnKeys.encode(userKey), commitTs), write.toBytes()));
    }

    public List<Modify> modifies() {
        return List.copyOf(modifies);
    }

    public boolean isEmpty() {
        return modifies.isEmpty();
    }

    /** Bytes of keys and values written: what the command costs the engine, for flow control. */
    public long bytes() {
        long bytes = 0;
        for (Modify m : modifies) {
            bytes += m.key().length + (m.value() == null ? 0 : m.value().length);
        }
        return bytes;
    }

    /** The changes as the requests of one Raft command. */
    public List<RaftCmdpb.Request> toRequests() {
        List<RaftCmdpb.Request> out = new ArrayList<>(modifies.size());
        for (Modify m : modifies) {
            ByteString key = ByteString.copyFrom(m.key());
            String cf = m.cf().cfName();
            out.add(m.value() == null
                    ? RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.Delete)
                            .setDelete(RaftCmdpb.DeleteRequest.newBuilder().setCf(cf).setKey(key)).build()
                    : RaftCmdpb.Request.newBuilder().setCmdType(RaftCmdpb.CmdType.Put)
                            .setPut(RaftCmdpb.PutRequest.newBuilder().setCf(cf).setKey(key)
                                    .setValue(ByteString.copyFrom(m.value()))).build());
        }
        return out;
    }
}
