package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.Entry;
import io.kvasir.kvproto.Eraftpb.Message;

/**
 * Screens messages from the network before the core sees them, so that no message — malformed,
 * forged or merely stale — can trip an invariant check (STYLE rule 7). A message that fails is
 * ignored; stale but well-formed messages pass and are handled by the protocol itself.
 */
final class MessageValidator {

    private MessageValidator() {
    }

    /** Null if {@code m} may be stepped into node {@code self}, else why not. */
    static String problem(Message m, long self) {
        switch (m.getMsgType()) {
            case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum, UNRECOGNIZED -> {
                return "message type " + m.getMsgTypeValue() + " is not accepted from the network";
            }
            default -> {
            }
        }
        if (m.getTo() != self) {
            return "addressed to " + m.getTo() + ", not " + self;
        }
        if (m.getFrom() == Raft.NONE || m.getFrom() == self) {
            return "bad sender " + m.getFrom();
        }
        // uint64 fields past 2^63 read as negative longs: no honest peer gets there.
        if (m.getTerm() < 0 || m.getLogTerm() < 0 || m.getIndex() < 0 || m.getCommit() < 0 || m.getRejectHint() < 0
                || m.getRequestSnapshot() < 0) {
            return "a numeric field is out of range";
        }
        boolean termless = switch (m.getMsgType()) {
            case MsgPropose, MsgReadIndex -> true;
            default -> false;
        };
        if (termless != (m.getTerm() == 0)) {
            return termless ? "a forwarded request carries no term" : "term 0 on a " + m.getMsgType();
        }
        return switch (m.getMsgType()) {
            case MsgAppend -> appendProblem(m);
            case MsgPropose -> m.getEntriesCount() == 0 ? "empty proposal" : null;
            case MsgReadIndex, MsgReadIndexResp -> m.getEntriesCount() != 1 ? "a read request carries one context entry" : null;
            case MsgSnapshot -> snapshotProblem(m);
            default -> null;
        };
    }

    private static String appendProblem(Message m) {
        if (m.getLogTerm() > m.getTerm()) {
            return "previous entry's term " + m.getLogTerm() + " is past the leader's term " + m.getTerm();
        }
        if (m.getIndex() > Long.MAX_VALUE / 2) {
            return "index out of range";
        }
        long prevTerm = m.getLogTerm();
        for (int i = 0; i < m.getEntriesCount(); i++) {
            Entry e = m.getEntries(i);
            if (e.getIndex() != m.getIndex() + 1 + i) {
                return "entry " + i + " has index " + e.getIndex() + ", expected " + (m.getIndex() + 1 + i);
            }
            if (e.getTerm() < prevTerm || e.getTerm() > m.getTerm()) {
                return "entry " + e.getIndex() + " has term " + e.getTerm() + " outside [" + prevTerm + ", " + m.getTerm()
                        + "]";
            }
            prevTerm = e.getTerm();
        }
        return null;
    }

    private static String snapshotProblem(Message m) {
        if (!m.hasSnapshot() || !m.getSnapshot().hasMetadata()) {
            return "snapshot message without a snapshot";
        }
        long index = m.getSnapshot().getMetadata().getIndex();
        long term = m.getSnapshot().getMetadata().getTerm();
        if (index <= 0 || term <= 0 || term > m.getTerm() || index > Long.MAX_VALUE / 2) {
            return "snapshot metadata index " + index + " term " + term + " is invalid";
        }
        return null;
    }
}
