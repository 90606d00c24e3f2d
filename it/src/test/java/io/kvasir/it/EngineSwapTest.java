package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.kvasir.engine.api.ColumnFamily;
import io.kvasir.engine.api.EngineException;
import io.kvasir.engine.api.KvEngine;
import io.kvasir.engine.api.WriteOptions;
import io.kvasir.kernel.BundleInfo;
import io.kvasir.kernel.Kernel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The real kernel on the distribution's real bundles: a node starts on engine-rocksdb, is written
 * to through the engine service, swaps to engine-lmdb at run time and back, and keeps serving gRPC
 * throughout. Plain JUnit booting the kernel, not Pax Exam: this exercises the launcher a user
 * runs (its class-path export, config loading, engine selection), which Pax Exam would replace
 * with its own container.
 *
 * <p>The engine API is exported by the system bundle from this test's class path instead of
 * being installed as a bundle, so the test and the engine bundles share one {@link KvEngine}
 * class, as a Pax Exam probe would.
 */
class EngineSwapTest {
    private static final String ROCKSDB_BUNDLE = "io.kvasir.engine.rocksdb";
    private static final String LMDB_BUNDLE = "io.kvasir.engine.lmdb";

    @TempDir
    Path tmp;

    private Kernel kernel;
    private ManagedChannel channel;

    @BeforeEach
    void startNode() {
        Path bundles = Distribution.bundlesWithout(tmp.resolve("bundles"), "kvasir-engine-api");
        kernel = Kernel.builder()
                .overrides(ConfigFactory.parseMap(Map.of(
                        "server.addr", "127.0.0.1:0",
                        "server.status-addr", "127.0.0.1:0",
                        "storage.data-dir", tmp.resolve("data").toString(),
                        "storage.engine", "rocksdb",
                        "kernel.bundles-dir", bundles.toString())))
                .systemPackagesFilter(Distribution::isInfrastructureJar)
                .start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", kernel.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stopNode() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        kernel.close();
    }

    @Test
    void swapsRocksDbForLmdbAndBackWhileTheNodeKeepsServing() {
        assertEquals("ACTIVE", state(ROCKSDB_BUNDLE));
        assertTrue(List.of("INSTALLED", "RESOLVED").contains(state(LMDB_BUNDLE)), "lmdb is installed but not started");
        assertEquals(List.of("rocksdb"), engineNames());
        assertServing();

        KvEngine rocks = engine("rocksdb");
        rocks.put(ColumnFamily.DEFAULT, bytes("who"), bytes("rocksdb"), WriteOptions.SYNC);
        assertEquals("rocksdb", string(rocks.get(ColumnFamily.DEFAULT, bytes("who"))));

        kernel.stopBundle(ROCKSDB_BUNDLE);
        assertEquals("RESOLVED", state(ROCKSDB_BUNDLE));
        assertEquals(List.of(), engineNames(), "the registry no longer offers an engine");
        EngineException closed = assertThrows(EngineException.class, () -> rocks.get(ColumnFamily.DEFAULT, bytes("who")));
        assertEquals(EngineException.Code.CLOSED, closed.code(), "a stale reference fails cleanly instead of crashing");
        assertServing();

        kernel.startBundle(LMDB_BUNDLE);
        assertEquals("ACTIVE", state(LMDB_BUNDLE));
        assertEquals(List.of("lmdb"), engineNames());
        KvEngine lmdb = engine("lmdb");
        assertEquals(null, lmdb.get(ColumnFamily.DEFAULT, bytes("who")), "a fresh engine: data moves between engines in a later issue");
        lmdb.put(ColumnFamily.DEFAULT, bytes("who"), bytes("lmdb"), WriteOptions.SYNC);
        assertEquals("lmdb", string(lmdb.get(ColumnFamily.DEFAULT, bytes("who"))));
        assertTrue(Files.isDirectory(tmp.resolve("data").resolve("lmdb")));
        assertServing();

        kernel.stopBundle(LMDB_BUNDLE);
        kernel.startBundle(ROCKSDB_BUNDLE);
        assertEquals(List.of("rocksdb"), engineNames());
        assertEquals("rocksdb", string(engine("rocksdb").get(ColumnFamily.DEFAULT, bytes("who"))), "rocksdb's data survived the swap");
        assertServing();
    }

    @Test
    void libraryBundlesAreNeverRestartedBySwaps() {
        long rocksLib = bundleId("io.kvasir.lib.rocksdb");
        long lmdbLib = bundleId("io.kvasir.lib.lmdb");
        for (int round = 0; round < 3; round++) {
            kernel.stopBundle(ROCKSDB_BUNDLE);
            kernel.startBundle(LMDB_BUNDLE);
            engine("lmdb").put(ColumnFamily.DEFAULT, bytes("round"), bytes("" + round), WriteOptions.NO_SYNC);
            kernel.stopBundle(LMDB_BUNDLE);
            kernel.startBundle(ROCKSDB_BUNDLE);
            engine("rocksdb").put(ColumnFamily.DEFAULT, bytes("round"), bytes("" + round), WriteOptions.NO_SYNC);
        }
        assertEquals(rocksLib, bundleId("io.kvasir.lib.rocksdb"));
        assertEquals(lmdbLib, bundleId("io.kvasir.lib.lmdb"));
        assertEquals("2", string(engine("rocksdb").get(ColumnFamily.DEFAULT, bytes("round"))));
    }

    private void assertServing() {
        ServingStatus status = HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        assertEquals(ServingStatus.SERVING, status);
    }

    private String state(String symbolicName) {
        return kernel.bundles().stream()
                .filter(b -> b.symbolicName().equals(symbolicName))
                .map(BundleInfo::state)
                .findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    private long bundleId(String symbolicName) {
        return kernel.bundles().stream()
                .filter(b -> b.symbolicName().equals(symbolicName))
                .mapToLong(BundleInfo::id)
                .findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    private List<String> engineNames() {
        List<String> names = new ArrayList<>();
        for (ServiceReference<KvEngine> ref : references(null)) {
            names.add((String) ref.getProperty(KvEngine.ENGINE_NAME));
        }
        return names;
    }

    private KvEngine engine(String name) {
        List<ServiceReference<KvEngine>> refs = references("(" + KvEngine.ENGINE_NAME + "=" + name + ")");
        assertEquals(1, refs.size(), "one " + name + " engine service");
        return kernel.systemContext().getService(refs.get(0));
    }

    private List<ServiceReference<KvEngine>> references(String filter) {
        BundleContext context = kernel.systemContext();
        try {
            return new ArrayList<>(context.getServiceReferences(KvEngine.class, filter));
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
