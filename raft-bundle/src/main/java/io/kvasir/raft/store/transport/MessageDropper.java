package io.kvasir.raft.store.transport;

import java.util.Random;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for tests ({@code server.raft-message-drop-ratio}): decides which outgoing Raft
 * messages a store drops on purpose, whole and before they leave, as a lossy network would. Raft
 * must tolerate that loss, and cluster tests (the bank test in {@code it/}) run with it to prove
 * it does. Off by default: at ratio 0 it never drops and never draws a random number.
 *
 * <p>The decisions come from one {@link Random} seeded by {@code server.raft-message-drop-seed}
 * (or a fresh seed, logged), so a run's drop pattern can be replayed. Several Raft pollers may
 * ask at once; {@code Random} is thread-safe, but which message gets which decision then follows
 * their interleaving, so a replay reproduces the sequence of decisions, not always the very
 * messages they fall on.
 */
final class MessageDropper {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDropper.class);

    /** Drops nothing: production. */
    static final MessageDropper NEVER = new MessageDropper(0, null);

    private final double ratio;
    private final Random random;

    /**
     * @param ratio  share of messages to drop, in {@code [0, 1)}
     * @param random where the decisions come from; unused (may be null) at ratio 0
     */
    MessageDropper(double ratio, Random random) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("drop ratio must be at least 0 and below 1, got " + ratio);
        }
        if (ratio > 0 && random == null) {
            throw new IllegalArgumentException("a drop ratio of " + ratio + " needs a Random");
        }
        this.ratio = ratio;
        this.random = random;
    }

    /**
     * The dropper the settings ask for; {@code freshSeed} is asked for a seed only when drops are on
     * and none is configured. The seed is logged either way, so that any run can be replayed.
     */
    static MessageDropper from(TransportSettings settings, LongSupplier freshSeed) {
        double ratio = settings.raftMessageDropRatio();
        if (ratio == 0) {
            return NEVER;
        }
        long seed = settings.raftMessageDropSeed().orElseGet(freshSeed);
        LOG.warn("fault injection: dropping {} of outgoing Raft messages on purpose ({} = {}, replay with {} = {})",
                ratio, TransportSettings.DROP_RATIO_KEY, ratio, TransportSettings.DROP_SEED_KEY, seed);
        return new MessageDropper(ratio, new Random(seed));
    }

    /** Whether the next message is to be dropped. */
    boolean dropNext() {
        return ratio > 0 && random.nextDouble() < ratio;
    }
}
