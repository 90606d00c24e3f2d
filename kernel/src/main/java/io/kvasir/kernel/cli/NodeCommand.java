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
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
