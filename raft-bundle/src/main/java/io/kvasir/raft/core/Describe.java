package io.kvasir.raft.core;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Eraftpb.ConfChangeSingle;
import io.kvasir.kvproto.Eraftpb.ConfChangeV2;
import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.EntryType;
import io.kvasir.kvproto.Eraftpb.HardState;
import io.kvasir.kvproto.Eraftpb.Message;
import io.kvasir.kvproto.Eraftpb.Snapshot;
import java.util.List;

/**
 * Deterministic one-line text for the core's protobuf types, shared by test expectations, failure
 * reports and logs (STYLE rule 5; etcd {@code util.go}). The same value always gives the same text.
 *
 * <pre>
 *   1-&gt;2 MsgAppend Term:2 Log:1/5 Commit:4 Entries:[2/6 EntryNormal "put x"]
 *   2-&gt;1 MsgAppendResponse Term:2 Log:0/5 Rejected (Hint: 3)
 *   2/7 EntryConfChangeV2 v4 l5 r3
 * </pre>
 */
public final class Describe {

    private static final int MAX_DATA_CHARS = 32;

    private Describe() {
    }

    public static String message(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(m.getFrom()).append("->").append(m.getTo()).append(' ').append(m.getMsgType())
                .append(" Term:").append(m.getTerm())
                .append(" Log:").append(m.getLogTerm()).append('/').append(m.getIndex());
        if (m.getReject()) {
            sb.append(" Rejected (Hint: ").append(m.getRejectHint()).append(')');
        }
        if (m.getCommit() != 0) {
            sb.append(" Commit:").append(m.getCommit());
        }
        if (m.getEntriesCount() > 0) {
            sb.append(" Entries:[");
            appendEntries(sb, m.getEntriesList(), ", ");
            sb.append(']');
        }
        if (!m.getContext().isEmpty()) {
            sb.append(" Context:").append(data(m.getContext()));
        }
        if (m.hasSnapshot()) {
            sb.append(" Snapshot: ").append(snapshot(m.getSnapshot()));
        }
        return sb.toString();
    }

    public static String entry(Entry e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.getTerm()).append('/').append(e.getIndex()).append(' ').append(e.getEntryType());
        if (e.getEntryType() == EntryType.EntryNormal) {
            if (!e.getData().isEmpty()) {
                sb.append(' ').append(data(e.getData()));
            }
        } else {
            ConfChangeV2 cc = ConfChanges.decode(e);
            sb.append(' ').append(cc == null ? "<unparsable>" : confChange(cc));
        }
        return sb.toString();
    }

    public static String entries(List<Entry> ents) {
        StringBuilder sb = new StringBuilder();
        appendEntries(sb, ents, "\n");
        return sb.toString();
    }

    /** {@code v4 l5 r3} (add voter, add learner, remove), with the transition when not Auto; {@code leave-joint} for an empty one. */
    public static String confChange(ConfChangeV2 cc) {
        if (cc.getChangesCount() == 0) {
            return cc.getTransitionValue() == 0 ? "leave-joint" : "empty(" + cc.getTransition() + ")";
        }
        StringBuilder sb = new StringBuilder();
        for (ConfChangeSingle c : cc.getChangesList()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(switch (c.getType()) {
                case AddNode -> "v";
                case AddLearnerNode -> "l";
                case RemoveNode -> "r";
                default -> "?";
            }).append(c.getNodeId());
        }
        if (cc.getTransitionValue() != 0) {
            sb.append(" transition=").append(cc.getTransition());
        }
        return sb.toString();
    }

    public static String hardState(HardState hs) {
        return "Term:" + hs.getTerm() + " Vote:" + hs.getVote() + " Commit:" + hs.getCommit();
    }

    public static String confState(ConfState cs) {
        StringBuilder sb = new StringBuilder("Voters:").append(cs.getVotersList());
        if (cs.getVotersOutgoingCount() > 0) {
            sb.append(" VotersOutgoing:").append(cs.getVotersOutgoingList());
        }
        sb.append(" Learners:").append(cs.getLearnersList());
        if (cs.getLearnersNextCount() > 0) {
            sb.append(" LearnersNext:").append(cs.getLearnersNextList());
        }
        if (cs.getAutoLeave()) {
            sb.append(" AutoLeave:true");
        }
        return sb.toString().replace(",", "");
    }

    public static String snapshot(Snapshot s) {
        return "Index:" + s.getMetadata().getIndex() + " Term:" + s.getMetadata().getTerm() + " ConfState:"
                + confState(s.getMetadata().getConfState());
    }

    /** Multi-line text of everything in a Ready, in the order the contract handles it. */
    public static String ready(Ready rd) {
        StringBuilder sb = new StringBuilder();
        if (rd.softState() != null) {
            sb.append("Lead:").append(rd.softState().leaderId()).append(" State:").append(rd.softState().role())
                    .append('\n');
        }
        if (rd.hardState() != null) {
            sb.append("HardState ").append(hardState(rd.hardState())).append('\n');
        }
        if (rd.snapshot() != null) {
            sb.append("Snapshot ").append(snapshot(rd.snapshot())).append('\n');
        }
        if (!rd.entries().isEmpty()) {
            sb.append("Entries:\n").append(entries(rd.entries())).append('\n');
        }
        if (!rd.messages().isEmpty()) {
            sb.append("Messages:\n");
            for (Message m : rd.messages()) {
                sb.append(message(m)).append('\n');
            }
        }
        if (!rd.committedEntries().isEmpty()) {
            sb.append("CommittedEntries:\n").append(entries(rd.committedEntries())).append('\n');
        }
        if (!rd.readStates().isEmpty()) {
            sb.append("ReadStates:\n");
            for (ReadState rs : rd.readStates()) {
                sb.append("index ").append(rs.index()).append(" ctx ").append(data(rs.requestCtx())).append('\n');
            }
        }
        if (rd.mustSync()) {
            sb.append("MustSync\n");
        }
        return sb.length() == 0 ? "<empty Ready>" : sb.substring(0, sb.length() - 1);
    }

    private static void appendEntries(StringBuilder sb, List<Entry> ents, String separator) {
        for (int i = 0; i < ents.size(); i++) {
            if (i > 0) {
                sb.append(separator);
            }
            sb.append(entry(ents.get(i)));
        }
    }

    /** Printable ASCII as a quoted string, anything else as hex; long data is cut. */
    static String data(ByteString data) {
        boolean printable = true;
        for (int i = 0; i < data.size() && printable; i++) {
            int b = data.byteAt(i) & 0xff;
            printable = b >= 0x20 && b < 0x7f && b != '"';
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.min(data.size(), MAX_DATA_CHARS);
        if (printable) {
            sb.append('"').append(data.substring(0, n).toStringUtf8()).append('"');
        } else {
            sb.append("0x");
            for (int i = 0; i < n; i++) {
                sb.append(Character.forDigit((data.byteAt(i) >> 4) & 0xf, 16))
                        .append(Character.forDigit(data.byteAt(i) & 0xf, 16));
            }
        }
        if (data.size() > n) {
            sb.append("...(").append(data.size()).append(" bytes)");
        }
        return sb.toString();
    }
}
