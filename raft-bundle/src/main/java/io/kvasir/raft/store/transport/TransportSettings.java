package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.ConfigValues.countUpTo;
import static io.kvasir.raft.store.ConfigValues.positiveBytes;
import static io.kvasir.raft.store.ConfigValues.positiveDuration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The transport's keys from the node's config, checked once at start. Documented in this bundle's
 * {@code reference.conf} ({@code server.*}, TiKV's names).
 *
 * @param raftClientQueueSize       messages queued per destination store before new ones are dropped
 * @param raftMsgMaxBatchSize       most messages in one {@code BatchRaftMessage}
 * @param maxGrpcSendMsgLen         most bytes in one {@code BatchRaftMessage} (a larger single message goes alone)
 * @param initialReconnectBackoff   first pause after a failed connection
 * @param maxReconnectBackoff       longest pause between reconnections
 * @param keepaliveTime             keepalive ping interval of store-to-store channels
 * @param keepaliveTimeout          how long a ping may go unanswered before the connection is dropped
 * @param concurrentSendSnapLimit   snapshots sent at once
 * @param concurrentRecvSnapLimit   snapshots received at once
 * @param snapMaxWriteBytesPerSec   bytes per second of all outgoing snapshots; 0 is unlimited
 * @param snapChunkSize             bytes of file data per {@code SnapshotChunk}
 * @param raftMessageDropRatio      fault injection for tests: the share of outgoing Raft messages
 *                                  dropped on purpose, in {@code [0, 1)}; 0 (the default) drops none
 * @param raftMessageDropSeed       seed of those drops, so a run can be replayed; empty means a fresh
 *                                  one, logged ({@link MessageDropper})
 */
public record TransportSettings(
        int raftClientQueueSize,
        int raftMsgMaxBatchSize,
        long maxGrpcSendMsgLen,
        Duration initialReconnectBackoff,
        Duration maxReconnectBackoff,
        Duration keepaliveTime,
        Duration keepaliveTimeout,
        int concurrentSendSnapLimit,
        int concurrentRecvSnapLimit,
        long snapMaxWriteBytesPerSec,
        int snapChunkSize,
        double raftMessageDropRatio,
        OptionalLong raftMessageDropSeed) {

    /** gRPC's own cap on a message is 2 GiB; a chunk must also fit a Java array comfortably. */
    private static final long MAX_CHUNK = 64L << 20;
    static final String DROP_RATIO_KEY = "server.raft-message-drop-ratio";
    static final String DROP_SEED_KEY = "server.raft-message-drop-seed";

    public TransportSettings {
        requirePositive("raftClientQueueSize", raftClientQueueSize);
        requirePositive("raftMsgMaxBatchSize", raftMsgMaxBatchSize);
        requirePositive("maxGrpcSendMsgLen", maxGrpcSendMsgLen);
        requirePositive("initialReconnectBackoff", initialReconnectBackoff);
        requirePositive("maxReconnectBackoff", maxReconnectBackoff);
        if (maxReconnectBackoff.compareTo(initialReconnectBackoff) < 0) {
            throw new IllegalArgumentException("maxReconnectBackoff " + maxReconnectBackoff
                    + " is shorter than initialReconnectBackoff " + initialReconnectBackoff);
        }
        requirePositive("keepaliveTime", keepaliveTime);
        requirePositive("keepaliveTimeout", keepaliveTimeout);
        requirePositive("concurrentSendSnapLimit", concurrentSendSnapLimit);
        requirePositive("concurrentRecvSnapLimit", concurrentRecvSnapLimit);
        if (snapMaxWriteBytesPerSec < 0) {
            throw new IllegalArgumentException("snapMaxWriteBytesPerSec must be 0 (unlimited) or positive, got "
                    + snapMaxWriteBytesPerSec);
        }
        requirePositive("snapChunkSize", snapChunkSize);
        if (snapChunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("snapChunkSize must be at most " + MAX_CHUNK + ", got " + snapChunkSize);
        }
        if (!isDropRatio(raftMessageDropRatio)) {
            throw new IllegalArgumentException("raftMessageDropRatio must be at least 0 and below 1, got "
                    + raftMessageDropRatio);
        }
        if (raftMessageDropSeed == null) {
            throw new IllegalArgumentException("raftMessageDropSeed must be a seed or empty, not null");
        }
    }

    /** Reads the {@code server.*} transport keys; a bad value fails with the key named. */
    public static TransportSettings from(Config config) {
        Duration initial = positiveDuration(config, "server.raft-client-initial-reconnect-backoff");
        Duration max = positiveDuration(config, "server.raft-client-max-backoff");
        if (max.compareTo(initial) < 0) {
            throw new ConfigException.BadValue(config.origin(), "server.raft-client-max-backoff",
                    "must not be shorter than server.raft-client-initial-reconnect-backoff (" + initial + "), got " + max);
        }
        long rate = config.getBytes("server.snap-max-write-bytes-per-sec");
        if (rate < 0) {
            throw new ConfigException.BadValue(config.origin(), "server.snap-max-write-bytes-per-sec",
                    "must be 0 (unlimited) or positive, got " + rate);
        }
        long chunk = positiveBytes(config, "server.snap-chunk-size");
        if (chunk > MAX_CHUNK) {
            throw new ConfigException.BadValue(config.origin(), "server.snap-chunk-size",
                    "must be at most 64MiB, got " + chunk);
        }
        double dropRatio = config.getDouble(DROP_RATIO_KEY);
        if (!isDropRatio(dropRatio)) {
            // 1 would cut the store off entirely: that is a partition, not a lossy network.
            throw new ConfigException.BadValue(config.origin(), DROP_RATIO_KEY,
                    "must be at least 0 and below 1 (a share of the messages), got " + dropRatio);
        }
        OptionalLong dropSeed = config.getIsNull(DROP_SEED_KEY) ? OptionalLong.empty()
                : OptionalLong.of(config.getLong(DROP_SEED_KEY));
        return new TransportSettings(
                countUpTo(config, "server.raft-client-queue-size", Integer.MAX_VALUE),
                countUpTo(config, "server.raft-msg-max-batch-size", Integer.MAX_VALUE),
                positiveBytes(config, "server.max-grpc-send-msg-len"),
                initial,
                max,
                positiveDuration(config, "server.grpc-keepalive-time"),
                positiveDuration(config, "server.grpc-keepalive-timeout"),
                countUpTo(config, "server.concurrent-send-snap-limit", Integer.MAX_VALUE),
                countUpTo(config, "server.concurrent-recv-snap-limit", Integer.MAX_VALUE),
                rate,
                (int) chunk,
                dropRatio,
                dropSeed);
    }

    /** NaN fails both comparisons, and so is refused too. */
    private static boolean isDropRatio(double ratio) {
        return ratio >= 0 && ratio < 1;
    }

    private static void requirePositive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
