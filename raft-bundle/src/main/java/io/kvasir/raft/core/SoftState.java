package io.kvasir.raft.core;

/** Volatile state worth reporting when it changes: who leads (0 if unknown) and this node's role. */
public record SoftState(long leaderId, StateRole role) {}
