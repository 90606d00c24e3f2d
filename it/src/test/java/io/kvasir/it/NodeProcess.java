package io.kvasir.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code bin/kvasir} run as a child process, its output collected line by line. */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private NodeProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::collect, "kvasir-output");
        reader.setDaemon(true);
        reader.start();
    }

    static NodeProcess start(String... args) throws IOException {
        return startWithJvmOptions("", args);
    }

    /** Starts {@code bin/kvasir} with {@code jvmOptions} added to KVASIR_JAVA_OPTS (a playground hands them to its nodes). */
    static NodeProcess startWithJvmOptions(String jvmOptions, String... args) throws IOException {
        Path home = Distribution.home();
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kvasir").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("KVASIR_JAVA_OPTS", ("-Xmx256m " + jvmOptions).strip());
        return new NodeProcess(builder.start());
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process is gone; what was read is kept.
        }
    }

    /** Waits until a line matches, or fails with everything printed so far. */
    String awaitLine(Predicate<String> match, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no matching line in the node's output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }

    /** SIGTERM, as a service manager or Ctrl-C would send; returns the exit code. */
    int terminate(long timeoutMillis) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of the output pipe,
        // losing what the node prints while it shuts down.
        process.toHandle().destroy();
        return awaitExit(timeoutMillis);
    }

    int awaitExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the node did not exit:\n" + output());
        }
        reader.join(5_000);
        return process.exitValue();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
