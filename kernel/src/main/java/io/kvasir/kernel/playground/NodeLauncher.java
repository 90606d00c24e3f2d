package io.kvasir.kernel.playground;

import io.kvasir.kernel.Main;
import io.kvasir.kernel.cli.NodeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts nodes as child JVMs of the same Java, class path and JVM flags as this process (so
 * {@code KVASIR_JAVA_OPTS} and {@code kvasir.home} carry over): one node per process, because a
 * native engine library can be loaded only once per JVM.
 */
final class NodeLauncher {
    private final List<String> javaAndFlags;

    private NodeLauncher(List<String> javaAndFlags) {
        this.javaAndFlags = javaAndFlags;
    }

    static NodeLauncher ofThisJvm() {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        // Flags only: options like -agentlib are left to the operator, and a debugger port cannot be shared.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) {
                cmd.add(arg);
            }
        }
        // A playground killed without its shutdown hook (kill -9) must not leave its nodes behind.
        cmd.add("-D" + NodeCommand.EXIT_WITH_PARENT + "=" + ProcessHandle.current().pid());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        return new NodeLauncher(cmd);
    }

    /** Writes {@code config} to {@code dir/node.conf} and starts a node on it. */
    ChildNode start(String name, Path dir, String config, String readyMarker) {
        Path file = dir.resolve("node.conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        List<String> cmd = new ArrayList<>(javaAndFlags);
        cmd.add("node");
        cmd.add("--config");
        cmd.add(file.toString());
        return ChildNode.start(name, cmd, dir, readyMarker);
    }
}
