package io.kvasir.kernel;

import io.kvasir.kernel.testbundles.ConfigReadingActivator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a node can fail to start ends in one line naming the key or bundle at fault. */
class KernelStartupErrorsTest {
    @TempDir
    Path root;

    private String failure(Kernel.Builder builder) {
        String message = assertThrows(KernelStartupException.class, builder::start).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    @Test
    void missingConfigFile() {
        Path file = root.resolve("node.conf");
        assertEquals("cannot read config file " + file + ": No such file",
                failure(TestKernels.builder(root).configFile(file)));
    }

    @Test
    void configFileParseError() throws IOException {
        Path file = Files.writeString(root.resolve("node.conf"), "server {\n  addr = \n");
        String message = failure(TestKernels.builder(root).configFile(file));
        assertTrue(message.startsWith("cannot parse config file " + file), message);
        assertTrue(message.contains("node.conf: "), message);
    }

    @Test
    void wrongTypeInConfigFile() throws IOException {
        Path file = Files.writeString(root.resolve("node.conf"), "server.grpc-max-recv-msg-len = yes\n");
        // The file sets it; the test overrides do not touch this key.
        String message = failure(TestKernels.builder(root).configFile(file));
        assertTrue(message.startsWith("config error: "), message);
        assertTrue(message.contains("node.conf: 1"), message);
        assertTrue(message.contains("server.grpc-max-recv-msg-len"), message);
    }

    @Test
    void invalidAddressOverride() {
        assertEquals("server.addr: expected host:port, got 'abc'",
                failure(TestKernels.builder(root, "server.addr", "abc")));
    }

    @Test
    void grpcPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            assertEquals("server.addr: cannot listen on " + addr + ": address already in use",
                    failure(TestKernels.builder(root, "server.addr", addr)));
        }
    }

    @Test
    void statusPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            assertEquals("server.status-addr: cannot listen on " + addr + ": address already in use",
                    failure(TestKernels.builder(root, "server.status-addr", addr)));
        }
    }

    @Test
    void unknownEngine() {
        Path bundles = TestKernels.bundlesDir(root);
        TestBundle.named("engine.rocks").header("Kvasir-Engine", "rocksdb").writeTo(bundles, "rocks.jar");
        TestBundle.named("engine.lmdb").header("Kvasir-Engine", "lmdb").writeTo(bundles, "lmdb.jar");
        assertEquals("storage.engine: unknown engine 'foo'; this assembly has: lmdb, rocksdb",
                failure(TestKernels.builder(root, "storage.engine", "foo")));
    }

    @Test
    void bundlesDirMissing() {
        Path missing = root.resolve("no-bundles");
        assertEquals("kernel.bundles-dir: bundles directory " + missing + " does not exist",
                failure(TestKernels.builder(root, "kernel.bundles-dir", missing.toString())));
    }

    @Test
    void unresolvableBundleIsNamed() {
        TestBundle.named("test.broken").importPackage("does.not.exist").writeTo(TestKernels.bundlesDir(root), "b.jar");
        String message = failure(TestKernels.builder(root));
        assertTrue(message.startsWith("cannot start bundle test.broken 1.0.0: Unable to resolve"), message);
        assertTrue(message.contains("does.not.exist"), message);
    }

    @Test
    void bundleRejectingItsConfigIsAConfigError() {
        TestBundle.named("test.configured").activator(ConfigReadingActivator.class)
                .importPackage("com.typesafe.config", "org.osgi.framework")
                .resource("reference.conf", "testbundle.mode = ok\n")
                .writeTo(TestKernels.bundlesDir(root), "c.jar");
        assertEquals("config error: testbundle.mode: expected 'ok', got 'bad'",
                failure(TestKernels.builder(root, "testbundle.mode", "bad")));
    }
}
