package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TransportSettingsTest {

    @Test
    void theDefaultsAreTiKVs() {
        TransportSettings s = TransportSettings.from(TransportFixtures.reference());
        assertEquals(8192, s.raftClientQueueSize());
        assertEquals(128, s.raftMsgMaxBatchSize());
        assertEquals(10L << 20, s.maxGrpcSendMsgLen());
        assertEquals(Duration.ofSeconds(1), s.initialReconnectBackoff());
        assertEquals(Duration.ofSeconds(5), s.maxReconnectBackoff());
        assertEquals(32, s.concurrentSendSnapLimit());
        assertEquals(32, s.concurrentRecvSnapLimit());
        assertEquals(100L << 20, s.snapMaxWriteBytesPerSec());
        assertEquals(1 << 20, s.snapChunkSize());
        assertEquals(0.0, s.raftMessageDropRatio(), "fault injection is off by default");
        assertEquals(OptionalLong.empty(), s.raftMessageDropSeed(), "and its seed left to chance");
    }

    @Test
    void dropsAreConfiguredWithTheirSeedAsNodesOverrideThem() {
        TransportSettings s = settings().dropMessages(0.05, 42).build();
        assertEquals(0.05, s.raftMessageDropRatio());
        assertEquals(OptionalLong.of(42), s.raftMessageDropSeed());
        // -Dkey=value overrides reach the config as strings.
        TransportSettings fromProperties = settings().set("raft-message-drop-ratio", "0.1")
                .set("raft-message-drop-seed", "-7").build();
        assertEquals(0.1, fromProperties.raftMessageDropRatio());
        assertEquals(OptionalLong.of(-7), fromProperties.raftMessageDropSeed());
    }

    @Test
    void aDropRatioOutsideZeroToBelowOneIsRefused() {
        assertBad("raft-message-drop-ratio", settings().set("raft-message-drop-ratio", 1));
        assertBad("raft-message-drop-ratio", settings().set("raft-message-drop-ratio", 1.5));
        assertBad("raft-message-drop-ratio", settings().set("raft-message-drop-ratio", -0.01));
        assertBad("raft-message-drop-ratio", settings().set("raft-message-drop-ratio", "a few"));
        assertBad("raft-message-drop-seed", settings().set("raft-message-drop-seed", "lucky"));
        assertThrows(IllegalArgumentException.class, () -> withDropRatio(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> withDropRatio(1.0));
    }

    private static TransportSettings withDropRatio(double ratio) {
        TransportSettings d = settings().build();
        return new TransportSettings(d.raftClientQueueSize(), d.raftMsgMaxBatchSize(), d.maxGrpcSendMsgLen(),
                d.initialReconnectBackoff(), d.maxReconnectBackoff(), d.keepaliveTime(), d.keepaliveTimeout(),
                d.concurrentSendSnapLimit(), d.concurrentRecvSnapLimit(), d.snapMaxWriteBytesPerSec(), d.snapChunkSize(),
                ratio, OptionalLong.empty());
    }

    @Test
    void zeroSnapshotRateMeansUnlimited() {
        assertEquals(0, settings().snapRate("0").build().snapMaxWriteBytesPerSec());
    }

    @Test
    void badValuesFailWithTheKeyNamed() {
        assertBad("raft-client-queue-size", settings().queueSize(0));
        assertBad("raft-msg-max-batch-size", settings().set("raft-msg-max-batch-size", -1));
        assertBad("raft-client-max-backoff", settings().backoff("2s", "1s"));
        assertBad("snap-max-write-bytes-per-sec", settings().snapRate("-1"));
        assertBad("snap-chunk-size", settings().snapChunk("128MiB"));
        assertBad("concurrent-send-snap-limit", settings().set("concurrent-send-snap-limit", 0));
        assertBad("grpc-keepalive-time", settings().set("grpc-keepalive-time", "0s"));
    }

    private static void assertBad(String key, TransportFixtures.SettingsBuilder builder) {
        ConfigException e = assertThrows(ConfigException.class, builder::build);
        assertTrue(e.getMessage().contains("server." + key), e.getMessage());
    }
}
