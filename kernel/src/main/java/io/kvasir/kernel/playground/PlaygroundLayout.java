package io.kvasir.kernel.playground;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a playground's nodes live: one directory and one config file per node under the data
 * directory, and the ports they listen on. TiKV's ports by default (PD 2379, stores 20160 and
 * 20180 upwards); with PD port 0 every port is picked free. The ports are remembered in
 * {@code playground.conf}, so a restart on the same data brings the nodes back where clients and
 * PD last saw them.
 */
record PlaygroundLayout(Path dataDir, String engine, int pdPort, int pdStatusPort, List<StorePorts> stores) {
    static final String HOST = "127.0.0.1";
    private static final String STATE_FILE = "playground.conf";

    record StorePorts(int grpc, int status) {
    }

    /**
     * The layout for this run: the remembered one when the data directory has one and the command
     * line asks for nothing different, else a new one.
     */
    static PlaygroundLayout resolve(Path dataDir, String engine, int stores, Integer pdPort) {
        Path state = dataDir.resolve(STATE_FILE);
        if (Files.exists(state)) {
            PlaygroundLayout saved = read(dataDir, state);
            if (saved.stores.size() == stores && (pdPort == null || pdPort == saved.pdPort) && saved.engine.equals(engine)) {
                return saved;
            }
            if (!saved.engine.equals(engine)) {
                throw new IllegalArgumentException("the data in " + dataDir + " was written by engine '" + saved.engine
                        + "'; start with --engine " + saved.engine + " or use another --data directory");
            }
        }
        PlaygroundLayout fresh = pdPort != null && pdPort == 0 ? freePorts(dataDir, engine, stores) : defaults(dataDir, engine, stores, pdPort);
        fresh.save();
        return fresh;
    }

    String pdAddress() {
        return HOST + ":" + pdPort;
    }

    Path pdDir() {
        return dataDir.resolve("pd");
    }

    Path storeDir(int i) {
        return dataDir.resolve("store-" + (i + 1));
    }

    /** The config file of the PD node. */
    String pdConfig() {
        return """
                # Written by `kvasir playground`; rewritten at every start.
                node.roles = ["pd"]
                server.addr = "%s:%d"
                server.status-addr = "%s:%d"
                storage.data-dir = "%s"
                storage.engine = "%s"
                pd.name = "pd-1"
                """.formatted(HOST, pdPort, HOST, pdStatusPort, escape(pdDir()), engine);
    }

    /** The config file of store {@code i}. */
    String storeConfig(int i) {
        StorePorts p = stores.get(i);
        int pools = poolSize(Runtime.getRuntime().availableProcessors(), stores.size());
        return """
                # Written by `kvasir playground`; rewritten at every start.
                node.roles = ["store"]
                server.addr = "%s:%d"
                server.status-addr = "%s:%d"
                storage.data-dir = "%s"
                storage.engine = "%s"
                pd.endpoints = ["%s"]
                # The stores share this machine's cores: each gets its share of raft and apply threads.
                raftstore.store-pool-size = %d
                raftstore.apply-pool-size = %d
                """.formatted(HOST, p.grpc(), HOST, p.status(), escape(storeDir(i)), engine, pdAddress(),
                pools, pools);
    }

    /**
     * Threads per raft or apply pool of each of {@code stores} stores on {@code cores} cores: the
     * cores shared by every store's two pools, at least one and at most TiKV's default of two.
     * (On 2 cores, three stores with two-thread pools measured 40% slower at 64 client threads than
     * with one-thread pools: bench/results/replication-playground.md.)
     */
    static int poolSize(int cores, int stores) {
        return Math.max(1, Math.min(2, cores / (2 * stores)));
    }

    private static String escape(Path p) {
        return p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static PlaygroundLayout defaults(Path dataDir, String engine, int stores, Integer pdPort) {
        int pd = pdPort == null ? 2379 : pdPort;
        List<StorePorts> ports = new ArrayList<>();
        for (int i = 0; i < stores; i++) {
            ports.add(new StorePorts(20160 + i, 20180 + i));
        }
        return new PlaygroundLayout(dataDir, engine, pd, pd + 1, ports);
    }

    private static PlaygroundLayout freePorts(Path dataDir, String engine, int stores) {
        List<StorePorts> ports = new ArrayList<>();
        for (int i = 0; i < stores; i++) {
            ports.add(new StorePorts(freePort(), freePort()));
        }
        return new PlaygroundLayout(dataDir, engine, freePort(), freePort(), ports);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private void save() {
        StringBuilder text = new StringBuilder("# Ports of this playground, reused when it restarts on this directory.\n");
        text.append("engine = \"").append(engine).append("\"\n");
        text.append("pd { port = ").append(pdPort).append(", status-port = ").append(pdStatusPort).append(" }\n");
        text.append("stores = [\n");
        for (StorePorts p : stores) {
            text.append("  { port = ").append(p.grpc()).append(", status-port = ").append(p.status()).append(" }\n");
        }
        text.append("]\n");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve(STATE_FILE), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(STATE_FILE), e);
        }
    }

    private static PlaygroundLayout read(Path dataDir, Path file) {
        Config c = ConfigFactory.parseFile(file.toFile());
        List<StorePorts> stores = c.getConfigList("stores").stream()
                .map(s -> new StorePorts(s.getInt("port"), s.getInt("status-port"))).toList();
        return new PlaygroundLayout(dataDir, c.getString("engine"), c.getInt("pd.port"), c.getInt("pd.status-port"), stores);
    }
}
