package io.kvasir.it;

import java.io.IOException;
import java.nio.file.Path;

/** {@code bin/kvasir playground} as a user runs it, on free ports and a test's data directory. */
final class Playground implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 120_000;
    private static final String PD_LINE = "PD address: ";

    private final NodeProcess process;
    private final String pdAddress;

    private Playground(NodeProcess process, String pdAddress) {
        this.process = process;
        this.pdAddress = pdAddress;
    }

    static Playground start(Path dataDir, String... extraArgs) throws IOException, InterruptedException {
        return startWithJvmOptions("", dataDir, extraArgs);
    }

    /** A playground whose nodes run with {@code jvmOptions} (e.g. {@code -Draftstore.raft-base-tick-interval=100ms}). */
    static Playground startWithJvmOptions(String jvmOptions, Path dataDir, String... extraArgs)
            throws IOException, InterruptedException {
        String[] args = new String[5 + extraArgs.length];
        args[0] = "playground";
        args[1] = "--data";
        args[2] = dataDir.toString();
        args[3] = "--pd-port";
        args[4] = "0";
        System.arraycopy(extraArgs, 0, args, 5, extraArgs.length);
        for (int attempt = 1; ; attempt++) {
            NodeProcess process = NodeProcess.startWithJvmOptions(jvmOptions, args);
            try {
                String line = process.awaitLine(l -> l.startsWith(PD_LINE), START_TIMEOUT_MS);
                return new Playground(process, line.substring(PD_LINE.length()).strip());
            } catch (AssertionError | RuntimeException | InterruptedException e) {
                process.close();
                // "Free" ports are free when picked, not when bound: an outgoing connection of
                // another test may take one in between. Fresh ports are picked on each attempt.
                if (attempt < 3 && process.output().contains("address already in use")) {
                    continue;
                }
                throw e;
            }
        }
    }

    /** host:port, as clients are configured with. */
    String pdAddress() {
        return pdAddress;
    }

    /** The playground's node processes (PD and stores). */
    java.util.List<ProcessHandle> nodes() {
        return process.handle().children().toList();
    }

    /** kill -9: the playground gets no chance to stop its nodes itself. */
    void kill() {
        process.handle().destroyForcibly();
    }

    String output() {
        return process.output();
    }

    /** Ctrl-C, as a user stops it; returns the exit status. */
    int stop() throws InterruptedException {
        return process.terminate(90_000);
    }

    /** Stops gracefully first: a killed playground could not stop its child nodes. */
    @Override
    public void close() {
        try {
            process.terminate(90_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (AssertionError | RuntimeException e) {
            // Reported by the test that owns it; fall through to the kill.
        }
        process.close();
    }
}
