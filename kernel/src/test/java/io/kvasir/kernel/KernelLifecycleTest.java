package io.kvasir.kernel;

import com.typesafe.config.Config;
import io.kvasir.kernel.testbundles.ConfigReadingActivator;
import io.kvasir.kernel.testbundles.EventLogActivator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelLifecycleTest {
    @TempDir
    Path root;

    private static Map<String, String> states(Kernel kernel) {
        return kernel.bundles().stream().collect(Collectors.toMap(BundleInfo::symbolicName, BundleInfo::state));
    }

    @Test
    void bundlesStopInReverseStartOrder() throws IOException {
        Path bundles = TestKernels.bundlesDir(root);
        for (String name : List.of("order.a", "order.b")) {
            TestBundle.named(name).activator(EventLogActivator.class).importPackage("org.osgi.framework")
                    .writeTo(bundles, name + ".jar");
        }
        Path log = root.resolve("events.log");

        try (Kernel kernel = TestKernels.builder(root)
                .frameworkProperty(EventLogActivator.EVENT_LOG, log.toString()).start()) {
            // Restarting a makes it the last started, so it must be the first stopped, although
            // it was installed first (Felix alone would stop b first).
            kernel.stopBundle("order.a");
            kernel.startBundle("order.a");
        }

        assertEquals(List.of("start order.a", "start order.b", "stop order.a", "start order.a",
                "stop order.a", "stop order.b"), Files.readAllLines(log));
    }

    @Test
    void startsOnlyTheConfiguredEngineAndCanSwap() {
        Path bundles = TestKernels.bundlesDir(root);
        TestBundle.named("engine.a").header("Kvasir-Engine", "a").writeTo(bundles, "engine-a.jar");
        TestBundle.named("engine.b").header("Kvasir-Engine", "b").writeTo(bundles, "engine-b.jar");
        TestBundle.named("plain").writeTo(bundles, "plain.jar");

        Kernel kernel = TestKernels.builder(root, "storage.engine", "b").start();
        try {
            Map<String, String> states = states(kernel);
            assertEquals("ACTIVE", states.get("engine.b"));
            assertTrue(List.of("INSTALLED", "RESOLVED").contains(states.get("engine.a")), states.toString());
            assertEquals("ACTIVE", states.get("plain"));
            assertEquals("ACTIVE", states.get("org.apache.felix.framework"));

            kernel.stopBundle("engine.b");
            kernel.startBundle("engine.a");
            assertEquals("ACTIVE", states(kernel).get("engine.a"));
            assertEquals("RESOLVED", states(kernel).get("engine.b"));
            assertThrows(IllegalArgumentException.class, () -> kernel.startBundle("engine.c"));
        } finally {
            kernel.close();
        }
        kernel.close(); // idempotent
        assertEquals(List.of(), kernel.bundles().stream().filter(b -> b.state().equals("ACTIVE")).toList());
    }

    @Test
    void startsOnlyTheBundlesOfTheConfiguredRoles() {
        Path bundles = TestKernels.bundlesDir(root);
        TestBundle.named("role.pd").header("Kvasir-Role", "pd").writeTo(bundles, "pd.jar");
        TestBundle.named("role.store").header("Kvasir-Role", "store").writeTo(bundles, "store.jar");
        TestBundle.named("plain").writeTo(bundles, "plain.jar");

        try (Kernel kernel = TestKernels.builder(root, "node.roles", List.of("pd")).start()) {
            Map<String, String> states = states(kernel);
            assertEquals("ACTIVE", states.get("role.pd"));
            assertEquals("ACTIVE", states.get("plain"));
            assertTrue(List.of("INSTALLED", "RESOLVED").contains(states.get("role.store")), states.toString());
        }
        try (Kernel kernel = TestKernels.builder(root).start()) {
            Map<String, String> states = states(kernel);
            assertEquals("ACTIVE", states.get("role.pd"), "both roles by default");
            assertEquals("ACTIVE", states.get("role.store"), "both roles by default");
        }
        KernelStartupException e = assertThrows(KernelStartupException.class,
                () -> TestKernels.builder(root, "node.roles", List.of("importer")).start());
        assertEquals("node.roles: no bundle provides role 'importer'; this assembly has: pd, store", e.getMessage());
    }

    @Test
    void bundlesGetTheConfigWithTheirDefaultsAsAService() {
        TestBundle.named("test.configured").activator(ConfigReadingActivator.class)
                .importPackage("com.typesafe.config", "org.osgi.framework")
                .resource("reference.conf", "testbundle.mode = ok\ntestbundle.size = 3\n")
                .writeTo(TestKernels.bundlesDir(root), "c.jar");

        try (Kernel kernel = TestKernels.builder(root, "testbundle.size", 4).start()) {
            assertEquals("ACTIVE", states(kernel).get("test.configured"));
            assertEquals("ok", kernel.config().getString("testbundle.mode"));
            assertEquals(4, kernel.config().getInt("testbundle.size"));
            ServiceReference<Config> ref = kernel.systemContext().getServiceReference(Config.class);
            assertNotNull(ref);
            assertSame(kernel.config(), kernel.systemContext().getService(ref));
        }
    }
}
