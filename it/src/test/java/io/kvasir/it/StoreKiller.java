package io.kvasir.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills one store of a 3-store playground with SIGKILL at a random moment, waits, and starts it
 * again on its data, as {@code bin/kvasir node} with the playground's JVM options. The moments
 * and the victims come from the given seeded random, so a run's fault schedule can be replayed.
 */
final class StoreKiller implements AutoCloseable {
    private final Playground playground;
    private final Path data;
    private final Random random;
    private final String jvmOptions;
    private final String label;
    /** The running restarted node of each store. */
    private final Map<Integer, NodeProcess> restarted = new TreeMap<>();
    /** Every node started here, kept for their output. */
    private final List<NodeProcess> started = new ArrayList<>();
    private int kills;

    /**
     * @param jvmOptions the options the playground's nodes run with, given again to the restarted ones
     * @param label      the test's name, to prefix what is printed
     */
    StoreKiller(Playground playground, Path data, Random random, String jvmOptions, String label) {
        this.playground = playground;
        this.data = data;
        this.random = random;
        this.jvmOptions = jvmOptions;
        this.label = label;
    }

    /** Waits 1 to 4 s, kills a random store, waits 0.5 to 3.5 s, restarts it and waits until it serves. */
    void killOneAndRestart() throws Exception {
        Thread.sleep(1000 + random.nextInt(3000));
        int store = 1 + random.nextInt(3);
        ProcessHandle victim = find(store);
        System.out.println(label + ": kill -9 store-" + store + " (pid " + victim.pid() + ")");
        victim.destroyForcibly();
        victim.onExit().get(30, TimeUnit.SECONDS);
        kills++;
        Thread.sleep(500 + random.nextInt(3000));
        NodeProcess node = NodeProcess.startWithJvmOptions(jvmOptions, "node", "--config",
                data.resolve("store-" + store).resolve("node.conf").toString());
        started.add(node);
        node.awaitLine(l -> l.contains("tikvpb.Tikv serving over"), 60_000);
        NodeProcess previous = restarted.put(store, node);
        if (previous != null) {
            previous.close();
        }
    }

    /** Stores killed so far. */
    int kills() {
        return kills;
    }

    /**
     * Copies what the nodes logged into {@code dir}: the playground's own node logs (its first run
     * of each store, and PD) and the output of every restart, in order.
     */
    void saveLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (var nodes = Files.list(data)) {
            for (Path node : nodes.toList()) {
                Path log = node.resolve("kvasir.log");
                if (Files.exists(log)) {
                    Files.copy(log, dir.resolve(node.getFileName() + ".log"));
                }
            }
        }
        for (int i = 0; i < started.size(); i++) {
            Files.writeString(dir.resolve("restart-" + (i + 1) + ".log"), started.get(i).output());
        }
    }

    private ProcessHandle find(int store) {
        NodeProcess mine = restarted.get(store);
        if (mine != null && mine.handle().isAlive()) {
            return mine.handle().children().findFirst().orElse(mine.handle());
        }
        String marker = "store-" + store;
        for (ProcessHandle p : playground.nodes()) {
            if (p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false)) {
                return p;
            }
        }
        throw new AssertionError("no process for " + marker);
    }

    @Override
    public void close() {
        for (NodeProcess p : restarted.values()) {
            p.close();
        }
    }
}
