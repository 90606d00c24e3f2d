package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kvproto.Metapb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreHealthTest {
    @TempDir
    Path dir;
    SchedulingHarness h;
    long s1;
    long s2;

    @BeforeEach
    void start() {
        h = SchedulingHarness.start(dir, PdSettings.of("http://127.0.0.1:2379"));
        s1 = h.stores.get(0);
        s2 = h.addStore();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private StoreHealth health() {
        return new StoreHealth(h.cluster.state.stores(), h.clock, Duration.ofMinutes(30), Duration.ofSeconds(20));
    }

    @Test
    void aSilentStoreIsFirstUnavailableThenDown() {
        StoreHealth health = health();
        h.clock.advance(Duration.ofSeconds(20));
        assertTrue(health.snapshot().isAvailable(s2), "20s: still connected");
        h.clock.advance(Duration.ofMillis(1));
        StoreHealth.Snapshot disconnected = health.snapshot();
        assertFalse(disconnected.isAvailable(s2));
        assertTrue(disconnected.isHealthy(s2), "disconnected is not down");
        h.clock.advance(Duration.ofMinutes(30));
        h.storeHeartbeat(s1);
        StoreHealth.Snapshot down = health.snapshot();
        assertFalse(down.isHealthy(s2));
        assertTrue(down.isHealthy(s1));
        assertEquals(List.of(s1), down.available().stream().map(Metapb.Store::getId).toList());
        h.storeHeartbeat(s2);
        assertTrue(health.snapshot().isAvailable(s2), "a heartbeat brings it back");
    }

    @Test
    void afterARestartSilenceCountsFromTheRestart() {
        h.clock.advance(Duration.ofHours(2));
        h.cluster.restart(); // heartbeat times are not persisted
        StoreHealth health = health();
        StoreHealth.Snapshot fresh = health.snapshot();
        assertTrue(fresh.isHealthy(s1) && fresh.isHealthy(s2), "not declared down by the restart alone");
        assertFalse(fresh.isAvailable(s1), "but no new work before a heartbeat");
        h.clock.advance(Duration.ofMinutes(31));
        assertFalse(health.snapshot().isHealthy(s2));
    }
}
