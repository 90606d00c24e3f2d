package io.kvasir.engine.api;

/**
 * How a write is made durable.
 *
 * @param sync when true the write is on stable storage (fsync'd) before the call returns, and so
 *             survives a machine crash; when false it survives a process crash but may be lost with
 *             the machine. Raft log appends are synced; applying committed entries need not be.
 */
public record WriteOptions(boolean sync) {
    public static final WriteOptions SYNC = new WriteOptions(true);
    public static final WriteOptions NO_SYNC = new WriteOptions(false);
}
