package io.kvasir.pd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.BindableService;
import io.kvasir.engine.rocksdb.RocksDbEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine-swap lifecycle, with a recording publisher instead of the OSGi registry. */
class PdHostTest {
    @TempDir
    Path dir;

    /** Records publications and withdrawals in order, and what the PD state was at each withdrawal. */
    private static final class Recorder implements PdHost.Publisher {
        final List<String> events = new ArrayList<>();
        final List<BindableService> live = new ArrayList<>();
        PdHost host;

        @Override
        public AutoCloseable publish(BindableService service) {
            events.add("publish");
            live.add(service);
            return () -> {
                // Withdrawal comes first: the state must still be there when the service goes.
                events.add(host.state() != null ? "withdraw(state open)" : "withdraw(state gone)");
                live.remove(service);
            };
        }
    }

    private PdHost host(Recorder recorder) {
        PdHost host = new PdHost(PdSettings.of("http://127.0.0.1:2379"), ManualClock.at2024(), new SplittableRandom(1), recorder);
        recorder.host = host;
        return host;
    }

    @Test
    void anEngineStartsThePdAndItsRemovalWithdrawsTheServiceBeforeDroppingTheState() {
        Recorder recorder = new Recorder();
        PdHost host = host(recorder);
        try (RocksDbEngine engine = RocksDbEngine.open(dir.resolve("a"), PdTestCluster.ENGINE_OPTIONS)) {
            host.engineAdded(engine);
            assertNotNull(host.state());
            assertEquals(1, recorder.live.size());
            host.engineRemoved(engine);
            assertNull(host.state());
            assertEquals(List.of("publish", "withdraw(state open)"), recorder.events);
            assertEquals(List.of(), recorder.live);
        }
    }

    @Test
    void onlyOnePdRunsAndAStandbyEngineTakesOverOnSwap() {
        Recorder recorder = new Recorder();
        PdHost host = host(recorder);
        try (RocksDbEngine a = RocksDbEngine.open(dir.resolve("a"), PdTestCluster.ENGINE_OPTIONS);
                RocksDbEngine b = RocksDbEngine.open(dir.resolve("b"), PdTestCluster.ENGINE_OPTIONS)) {
            host.engineAdded(a);
            PdState first = host.state();
            host.engineAdded(b);
            assertSame(first, host.state(), "a second engine must not start a second PD");
            assertEquals(1, recorder.live.size());
            host.engineRemoved(a);
            assertNotNull(host.state());
            assertTrue(host.state() != first);
            assertEquals(1, recorder.live.size());
            host.close();
            assertNull(host.state());
            assertEquals(List.of(), recorder.live);
            host.engineAdded(a);
            assertNull(host.state(), "a closed host starts nothing");
        }
    }

    @Test
    void aStoppedPdRefusesTimestamps() {
        Recorder recorder = new Recorder();
        PdHost host = host(recorder);
        try (RocksDbEngine engine = RocksDbEngine.open(dir.resolve("a"), PdTestCluster.ENGINE_OPTIONS)) {
            host.engineAdded(engine);
            PdState state = host.state();
            state.tso().allocate(1);
            host.engineRemoved(engine);
            assertThrows(IllegalStateException.class, () -> state.tso().allocate(1));
        }
    }

    @Test
    void aClosedEngineIsLoggedAndNothingIsPublished() {
        Recorder recorder = new Recorder();
        PdHost host = host(recorder);
        RocksDbEngine engine = RocksDbEngine.open(dir.resolve("a"), PdTestCluster.ENGINE_OPTIONS);
        engine.close();
        host.engineAdded(engine);
        assertNull(host.state());
        assertEquals(List.of(), recorder.events);
    }
}
