package io.kvasir.raft.store.transport;

import static io.kvasir.raft.store.transport.TransportFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.time.Duration;
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
