package io.kvasir.raft.core;

import io.kvasir.kvproto.Eraftpb.ConfState;
import io.kvasir.kvproto.Eraftpb.HardState;
import java.util.Objects;

/** What a node persisted about itself: its hard state and the configuration of its latest snapshot. */
public record RaftState(HardState hardState, ConfState confState) {
    public RaftState {
        Objects.requireNonNull(hardState, "hardState");
        Objects.requireNonNull(confState, "confState");
    }
}
