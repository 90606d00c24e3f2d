package io.kvasir.raft.store.snap;

import io.kvasir.kvproto.Eraftpb;
import io.kvasir.kvproto.RaftServerpb.RaftMessage;

/** Names one region snapshot: its region and the term and index of the last entry it covers (TiKV's {@code SnapKey}). */
public record SnapKey(long regionId, long term, long index) {

    /** The key of the snapshot a {@code MsgSnapshot} message carries. */
    public static SnapKey of(RaftMessage message) {
        Eraftpb.SnapshotMetadata meta = message.getMessage().getSnapshot().getMetadata();
        return new SnapKey(message.getRegionId(), meta.getTerm(), meta.getIndex());
    }

    @Override
    public String toString() {
        return regionId + "_" + term + "_" + index;
    }
}
