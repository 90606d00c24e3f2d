package io.kvasir.raft.core;

/**
 * A leader's lease in its own ticks: valid while {@code now < expiry}, having started at tick
 * {@code expiry - durationTicks}, when the messages a quorum acknowledged were sent. An
 * application that serves reads from the lease by wall time should date the lease from that start
 * tick, not from {@code now}: ticks stop while the process is paused, and time does not.
 */
public record LeaseStatus(long now, long expiry, long durationTicks) {

    public boolean valid() {
        return now < expiry;
    }

    public long startTick() {
        return expiry - durationTicks;
    }
}
