package io.kvasir.bench.txn;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subcommand's {@code --name value} (or {@code --name=value}) arguments. Each subcommand names
 * the flags it knows, so a misspelt flag is an error instead of a silently used default.
 */
final class Flags {

    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /** @throws IllegalArgumentException for an unknown flag, a flag without a value, or a stray word */
    static Flags parse(String[] args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(2, eq) : arg.substring(2);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            String value;
            if (eq > 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            values.put(name, value);
        }
        return new Flags(values);
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    /** An integer of at least {@code min}. */
    long number(String name, long fallback, long min) {
        String v = values.get(name);
        long n;
        try {
            n = v == null ? fallback : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + v + "'", e);
        }
        if (n < min) {
            throw new IllegalArgumentException("--" + name + " must be at least " + min + ", got " + n);
        }
        return n;
    }

    int integer(String name, int fallback, int min) {
        return Math.toIntExact(number(name, fallback, min));
    }

    /** A comma list with blanks dropped; {@code fallback} when the flag is absent. */
    List<String> list(String name, String fallback) {
        return Arrays.stream(string(name, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A comma list of integers of at least {@code min}. */
    List<Integer> integers(String name, String fallback, int min) {
        return list(name, fallback).stream().map(s -> {
            try {
                int n = Integer.parseInt(s);
                if (n < min) {
                    throw new IllegalArgumentException("--" + name + " values must be at least " + min + ", got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must list whole numbers, got '" + s + "'", e);
            }
        }).toList();
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : Path.of(v);
    }
}
