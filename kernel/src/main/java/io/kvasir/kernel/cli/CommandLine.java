package io.kvasir.kernel.cli;

import io.kvasir.kernel.playground.PlaygroundCommand;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses {@code bin/kvasir}'s arguments into a {@link Command}; never throws on bad input. */
public final class CommandLine {
    static final String DEFAULT_STATUS_ADDR = "127.0.0.1:20180";
    static final String DEFAULT_PLAYGROUND_DATA = "./data/playground";

    private CommandLine() {
    }

    public static Command parse(String... args) {
        if (args.length == 0 || Set.of("help", "-h", "--help").contains(args[0])) {
            return Usage.help();
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "node" -> node(rest);
            case "bundles" -> bundles(rest);
            case "playground" -> playground(rest);
            default -> new Usage("unknown command '" + args[0] + "'");
        };
    }

    private static Command node(List<String> args) {
        Map<String, String> options = new HashMap<>();
        String problem = options(args, Set.of("--config"), options);
        if (problem != null) {
            return new Usage("node: " + problem);
        }
        if (!options.containsKey("--config")) {
            return new Usage("node: --config FILE is required");
        }
        return new NodeCommand(Path.of(options.get("--config")));
    }

    private static Command bundles(List<String> args) {
        Map<String, String> options = new HashMap<>();
        String problem = options(args, Set.of("--status"), options);
        if (problem != null) {
            return new Usage("bundles: " + problem);
        }
        return new BundlesCommand(options.getOrDefault("--status", DEFAULT_STATUS_ADDR));
    }

    private static Command playground(List<String> args) {
        Map<String, String> options = new HashMap<>();
        String problem = options(args, Set.of("--stores", "--engine", "--data", "--pd-port"), options);
        if (problem != null) {
            return new Usage("playground: " + problem);
        }
        Integer stores = integer(options.getOrDefault("--stores", "3"), 1, 64);
        if (stores == null) {
            return new Usage("playground: --stores must be a number from 1 to 64");
        }
        Integer pdPort = null;
        if (options.containsKey("--pd-port")) {
            pdPort = integer(options.get("--pd-port"), 0, 65535);
            if (pdPort == null) {
                return new Usage("playground: --pd-port must be a port number (0 picks free ports)");
            }
        }
        String engine = options.getOrDefault("--engine", "rocksdb");
        if (engine.isBlank()) {
            return new Usage("playground: --engine must not be empty");
        }
        return new PlaygroundCommand(Path.of(options.getOrDefault("--data", DEFAULT_PLAYGROUND_DATA)), stores, engine, pdPort);
    }

    private static Integer integer(String text, int min, int max) {
        try {
            int v = Integer.parseInt(text.strip());
            return v < min || v > max ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads {@code --name value} and {@code --name=value} pairs; returns a problem, or null. */
    private static String options(List<String> args, Set<String> known, Map<String, String> into) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!known.contains(name)) {
                return "unknown option '" + arg + "'";
            }
            if (arg.contains("=")) {
                into.put(name, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 < args.size()) {
                into.put(name, args.get(++i));
            } else {
                return "option " + name + " needs a value";
            }
        }
        return null;
    }
}
