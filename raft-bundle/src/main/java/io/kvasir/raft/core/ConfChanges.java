package io.kvasir.raft.core;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kvasir.kvproto.Eraftpb.ConfChange;
import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeTransition;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;

/**
 * Reading membership changes (etcd {@code confchange} helpers on {@code ConfChangeV2}): what kind
 * of move a {@link ConfChangeV2} asks for, and decoding the change carried by a log entry.
 */
public final class ConfChanges {

    private ConfChanges() {
    }

    /**
     * Whether {@code cc} asks to leave a joint config: no changes and the {@code Auto} transition
     * (its context may carry anything).
     */
    public static boolean leavesJoint(ConfChangeV2 cc) {
        return cc.getChangesCount() == 0 && cc.getTransition() == ConfChangeTransition.Auto;
    }

    /**
     * Whether {@code cc} enters a joint config: more than one change, or a transition other than
     * {@code Auto} asked for explicitly.
     */
    public static boolean entersJoint(ConfChangeV2 cc) {
        return cc.getTransition() != ConfChangeTransition.Auto || cc.getChangesCount() > 1;
    }

    /** For a change entering a joint config: whether the core leaves it on its own ({@code Auto}, {@code Implicit}). */
    public static boolean autoLeave(ConfChangeV2 cc) {
        return cc.getTransition() != ConfChangeTransition.Explicit;
    }

    /** Whether {@code id} is a voter, outgoing voter or learner in {@code cs}. */
    public static boolean mentions(ConfState cs, long id) {
        return cs.getVotersList().contains(id) || cs.getVotersOutgoingList().contains(id)
                || cs.getLearnersList().contains(id) || cs.getLearnersNextList().contains(id);
    }

    /** Whether the entry carries a membership change (of either encoding). */
    public static boolean isConfChange(Entry e) {
        return e.getEntryType() == EntryType.EntryConfChange || e.getEntryType() == EntryType.EntryConfChangeV2;
    }

    /**
     * The change an entry carries, as a {@link ConfChangeV2} (a legacy {@code ConfChange} becomes a
     * one-change V2), or null if the entry is no conf change or its data does not parse.
     */
    public static ConfChangeV2 decode(Entry e) {
        try {
            if (e.getEntryType() == EntryType.EntryConfChangeV2) {
                return ConfChangeV2.parseFrom(e.getData());
            }
            if (e.getEntryType() == EntryType.EntryConfChange) {
                ConfChange cc = ConfChange.parseFrom(e.getData());
                return ConfChangeV2.newBuilder()
                        .addChanges(ConfChangeSingle.newBuilder().setType(cc.getChangeType()).setNodeId(cc.getNodeId()))
                        .setContext(cc.getContext())
                        .build();
            }
            return null;
        } catch (InvalidProtocolBufferException ex) {
            return null;
        }
    }

    /** The entry a proposal of {@code cc} appends. */
    public static Entry toEntry(ConfChangeV2 cc) {
        return Entry.newBuilder().setEntryType(EntryType.EntryConfChangeV2).setData(cc.toByteString()).build();
    }
}
