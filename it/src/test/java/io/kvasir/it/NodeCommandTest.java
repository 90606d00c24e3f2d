package io.kvasir.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's node command, run as a user runs it: start, serve, list bundles, stop on SIGTERM. */
class NodeCommandTest {
    private static final long START_TIMEOUT_MS = 90_000;

    @TempDir
    Path tmp;

    @Test
    void nodeStartsServesGrpcListsBundlesAndStopsCleanlyOnSigterm() throws Exception {
        int grpcPort = freePort();
        int statusPort = freePort();
        Path config = writeConfig(grpcPort, statusPort, "rocksdb");
        try (NodeProcess node = NodeProcess.start("node", "--config", config.toString())) {
            node.awaitLine(line -> line.contains("Kvasir node started"), START_TIMEOUT_MS);
            assertEquals(ServingStatus.SERVING, health(grpcPort));

            try (NodeProcess bundles = NodeProcess.start("bundles", "--status", "127.0.0.1:" + statusPort)) {
                assertEquals(0, bundles.awaitExit(START_TIMEOUT_MS), bundles.output());
                String table = bundles.output();
                assertTrue(table.lines().anyMatch(l -> l.contains("io.kvasir.engine.rocksdb") && l.contains("ACTIVE")), table);
                assertTrue(table.lines().anyMatch(l -> l.contains("io.kvasir.engine.lmdb") && !l.contains("ACTIVE")), table);
            }

            int exit = node.terminate(60_000);
            assertTrue(exit == 0 || exit == 143, "exit code " + exit + "\n" + node.output());
            assertTrue(node.output().contains("Kvasir node stopped"), "exit " + exit + ":\n" + node.output());
            assertFalse(node.output().contains("Exception"), "a clean stop logs no exception:\n" + node.output());
        }
        assertTrue(Files.isDirectory(tmp.resolve("data/rocksdb")), "the engine kept its files in the data directory");
    }

    @Test
    void unknownEngineFailsAtStartWithOneLineNamingTheKey() throws Exception {
        Path config = writeConfig(freePort(), freePort(), "foo");
        try (NodeProcess node = NodeProcess.start("node", "--config", config.toString())) {
            assertEquals(2, node.awaitExit(START_TIMEOUT_MS), node.output());
            List<String> errors = node.output().lines().filter(l -> l.startsWith("kvasir:")).toList();
            assertEquals(1, errors.size(), node.output());
            assertTrue(errors.get(0).contains("storage.engine") && errors.get(0).contains("foo"), errors.get(0));
            assertFalse(node.output().contains("\tat "), "no stack trace:\n" + node.output());
        }
    }

    @Test
    void missingConfigFileFailsWithOneLine() throws Exception {
        try (NodeProcess node = NodeProcess.start("node", "--config", tmp.resolve("absent.conf").toString())) {
            assertEquals(2, node.awaitExit(START_TIMEOUT_MS), node.output());
            assertTrue(node.output().contains("absent.conf"), node.output());
            assertFalse(node.output().contains("\tat "), "no stack trace:\n" + node.output());
        }
    }

    private Path writeConfig(int grpcPort, int statusPort, String engine) throws IOException {
        Path config = tmp.resolve("node-" + grpcPort + ".conf");
        Files.writeString(config, String.join("\n",
                "server.addr = \"127.0.0.1:" + grpcPort + "\"",
                "server.status-addr = \"127.0.0.1:" + statusPort + "\"",
                "storage.data-dir = \"" + tmp.resolve("data") + "\"",
                "storage.engine = \"" + engine + "\"",
                ""));
        return config;
    }

    private static ServingStatus health(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
