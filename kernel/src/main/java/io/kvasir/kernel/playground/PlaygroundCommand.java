package io.kvasir.kernel.playground;

import io.kvasir.kernel.cli.Command;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kvasir playground}: a whole cluster on loopback, like {@code tiup playground}. Starts a PD
 * node, then the stores, each as a child JVM of this distribution; prints the PD address clients
 * use; on Ctrl-C stops the stores, then PD. Data stays in {@code --data} for the next start.
 */
public record PlaygroundCommand(Path dataDir, int stores, String engine, Integer pdPort) implements Command {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** Lines the nodes log once they serve: the kernel's start, and a store's KV service going live. */
    static final String NODE_STARTED = "Kvasir node started";
    /** Logged by the server bundle once the store's tikvpb.Tikv serves (before it, a stand-in answers UNAVAILABLE). */
    static final String STORE_SERVING = "tikvpb.Tikv serving over";

    @Override
    public int run(PrintStream out, PrintStream err) {
        PlaygroundLayout layout;
        try {
            layout = PlaygroundLayout.resolve(dataDir.toAbsolutePath().normalize(), engine, stores, pdPort);
        } catch (IllegalArgumentException e) {
            err.println("kvasir: playground: " + e.getMessage());
            return 2;
        }
        List<ChildNode> nodes = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll(nodes, out);
            stopped.countDown();
        }, "kvasir-playground-stop"));
        try {
            NodeLauncher launcher = NodeLauncher.ofThisJvm();
            synchronized (nodes) {
                nodes.add(launcher.start("pd", layout.pdDir(), layout.pdConfig(), NODE_STARTED));
            }
            nodes.get(0).awaitReady(START_TIMEOUT);
            for (int i = 0; i < layout.stores().size(); i++) {
                synchronized (nodes) {
                    nodes.add(launcher.start("store-" + (i + 1), layout.storeDir(i), layout.storeConfig(i), STORE_SERVING));
                }
            }
            for (ChildNode n : nodes) {
                n.awaitReady(START_TIMEOUT);
            }
        } catch (RuntimeException | InterruptedException e) {
            err.println("kvasir: playground: " + e.getMessage());
            return 1;
        }
        out.println("Kvasir playground is up: 1 PD, " + layout.stores().size() + " store(s), engine " + engine
                + ", data in " + layout.dataDir());
        out.println("PD address: " + layout.pdAddress());
        out.println("Logs: " + layout.dataDir() + "/*/kvasir.log. Press Ctrl-C to stop.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void stopAll(List<ChildNode> nodes, PrintStream out) {
        List<ChildNode> reverse;
        synchronized (nodes) {
            reverse = new ArrayList<>(nodes);
        }
        // Stores first, so that none of them loses its PD while stopping.
        for (int i = reverse.size() - 1; i >= 0; i--) {
            ChildNode n = reverse.get(i);
            if (n.isAlive()) {
                n.stop(STOP_GRACE);
            }
        }
        out.println("Kvasir playground stopped");
        out.flush();
    }
}
