package io.kvasir.kernel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kvasir.kernel.Kernel;
import io.kvasir.kernel.Main;
import io.kvasir.kernel.TestBundle;
import io.kvasir.kernel.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path root;

    /** Exit status and both streams of one {@link Main#run}. */
    record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bundlesPrintsTheTableOfARunningNode() throws Exception {
        TestBundle.named("io.kvasir.test.plain").writeTo(TestKernels.bundlesDir(root), "plain.jar");
        try (Kernel kernel = TestKernels.builder(root).start()) {
            Run r = run("bundles", "--status", "127.0.0.1:" + kernel.statusPort());

            assertEquals(0, r.status(), r.err());
            String[] lines = r.out().split("\\R");
            assertEquals("ID  STATE   SYMBOLIC NAME               VERSION", lines[0]);
            assertEquals("0   ACTIVE  org.apache.felix.framework  7.0.5", lines[1]);
            assertEquals("1   ACTIVE  io.kvasir.test.plain        1.0.0", lines[2]);

            // The node's /config is the operator's view: kernel keys, no JVM properties.
            HttpResponse<String> config = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + kernel.statusPort() + "/config")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Config parsed = ConfigFactory.parseString(config.body());
            assertEquals("127.0.0.1:0", parsed.getString("server.addr"));
            assertEquals("rocksdb", parsed.getString("storage.engine"));
            assertFalse(parsed.hasPath("java"));
        }
    }

    @Test
    void bundlesWithNoNodeIsOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = run("bundles", "--status=127.0.0.1:" + port);
        assertEquals(1, r.status());
        assertEquals("no node answers at 127.0.0.1:" + port + " (is it running?)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void badStatusAddress() {
        Run r = run("bundles", "--status", "nowhere");
        assertEquals(2, r.status());
        assertEquals("kvasir: --status: expected host:port, got 'nowhere'\n", r.err());
    }

    @Test
    void nodeWithMissingConfigIsOneLine() {
        Path missing = root.resolve("node.conf");
        Run r = run("node", "--config", missing.toString());
        assertEquals(2, r.status());
        assertEquals("kvasir: cannot read config file " + missing + ": No such file\n", r.err());
    }

    @Test
    void helpAndUsageErrors() {
        Run help = run("help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("node --config FILE"), help.out());
        assertTrue(help.out().contains("bundles [--status HOST:PORT]"), help.out());
        assertEquals(0, run().status());

        Run unknown = run("frob");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("kvasir: unknown command 'frob'\n"), unknown.err());

        assertEquals(2, run("node").status());
        assertTrue(run("node", "--confg", "x").err().startsWith("kvasir: node: unknown option '--confg'"));
        assertTrue(run("bundles", "--status").err().startsWith("kvasir: bundles: option --status needs a value"));
    }
}
