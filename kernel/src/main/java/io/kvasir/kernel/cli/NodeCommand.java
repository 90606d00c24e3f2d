package io.kvasir.kernel.cli;

import io.kvasir.kernel.Kernel;
import io.kvasir.kernel.KernelStartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code kvasir node --config FILE}: runs a node until the JVM is asked to stop (SIGTERM, Ctrl-C). */
public record NodeCommand(Path configFile) implements Command {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);
    /**
     * System property naming a process id: when that process ends, the node stops as on SIGTERM.
     * The playground sets it on its child nodes, so that killing the playground stops them too.
     */
    public static final String EXIT_WITH_PARENT = "kvasir.exit-with-parent";

    @Override
    public int run(PrintStream out, PrintStream err) {
        Kernel kernel;
        try {
            kernel = Kernel.builder().configFile(configFile).start();
        } catch (KernelStartupException e) {
            LOG.debug("node failed to start", e);
            err.println("kvasir: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // A signal only runs shutdown hooks; the hook is where the node stops cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kernel.close();
            LOG.info("Kvasir node stopped");
            stopped.countDown();
        }, "kvasir-shutdown"));
        stopWithParent();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void stopWithParent() {
        String parent = System.getProperty(EXIT_WITH_PARENT);
        if (parent == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(parent.strip())).ifPresentOrElse(
                    p -> p.onExit().thenRun(() -> {
                        LOG.info("parent process {} ended; stopping", parent);
                        System.exit(0);
                    }),
                    () -> System.exit(0));
        } catch (NumberFormatException e) {
            LOG.warn("{}: not a process id: {}", EXIT_WITH_PARENT, parent);
        }
    }
}
