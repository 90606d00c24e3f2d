package io.kvasir.kernel.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses {@code bin/kvasir}'s arguments into a {@link Command}; never throws on bad input. */
public final class CommandLine {
    static final String DEFAULT_STATUS_ADDR = "127.0.0.1:20180";

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
