package io.kvasir.raft.core;

import java.util.SortedMap;

/**
 * A snapshot of a node's state for monitoring and tests. {@code progress} is filled on a leader
 * only (id to a one-line description such as {@code REPLICATE match=7 next=8}).
 */
public record RaftStatus(long id, long term, long vote, long commit, long applied, long leaderId, StateRole role,
        String config, SortedMap<Long, String> progress, long leadTransferee) {

    /** Deterministic text. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(id).append(' ').append(role).append(" term=").append(term).append(" vote=").append(vote)
                .append(" lead=").append(leaderId).append(" commit=").append(commit).append(" applied=").append(applied)
                .append(" config ").append(config);
        if (leadTransferee != 0) {
            sb.append(" transferring to ").append(leadTransferee);
        }
        progress.forEach((peer, p) -> sb.append("\n  ").append(peer).append(": ").append(p));
        return sb.toString();
    }
}
