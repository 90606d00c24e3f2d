package io.kvasir.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Data-driven test scripts (STYLE rule 4; etcd's {@code datadriven} package): a file of cases,
 * each a command line, a {@code ----} line and the expected output, separated by blank lines.
 * State carries from case to case within a file. Run with {@code -Drewrite=true} to write the
 * actual outputs back into the files under {@code src/test/resources/testdata}; review the diff.
 *
 * <pre>
 * # a comment
 * simple v1 v2
 * ----
 * voters=(1 2)
 * </pre>
 */
final class DataDriven {

    /** One command: its name and its {@code key=value} or bare arguments, in order. */
    record Command(String name, List<String> args, String line) {
        /** The value of {@code key=value}, or null. */
        String arg(String key) {
            for (String a : args) {
                if (a.startsWith(key + "=")) {
                    return a.substring(key.length() + 1);
                }
            }
            return null;
        }
    }

    private record Case(String command, String expected, int line) {}

    private DataDriven() {
    }

    /**
     * One container per file of {@code testdata/<dir>}; each file runs with a fresh handler from
     * {@code handlers}, which maps a command to its output.
     */
    static Stream<DynamicNode> run(String dir, Supplier<Function<Command, String>> handlers) {
        Path root = Path.of(System.getProperty("kvasir.raft.testdata", "src/test/resources/testdata"), dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(root)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root.toAbsolutePath(), e);
        }
        return files.stream().map(f -> DynamicContainer.dynamicContainer(f.getFileName().toString(), runFile(f, handlers.get())));
    }

    private static Stream<DynamicNode> runFile(Path file, Function<Command, String> handler) {
        List<Case> cases = parse(file);
        boolean rewrite = Boolean.getBoolean("rewrite");
        Map<Case, String> actual = new LinkedHashMap<>();
        List<DynamicNode> tests = new ArrayList<>();
        for (Case c : cases) {
            tests.add(DynamicTest.dynamicTest("line " + c.line + ": " + c.command, () -> {
                String out = handler.apply(parseCommand(c.command)).strip();
                actual.put(c, out);
                if (rewrite) {
                    if (actual.size() == cases.size()) {
                        write(file, cases, actual);
                    }
                    return;
                }
                assertEquals(c.expected, out, file.getFileName() + ":" + c.line + " " + c.command);
            }));
        }
        return tests.stream();
    }

    private static Command parseCommand(String line) {
        String[] parts = line.trim().split("\\s+(?![^()]*\\))");
        List<String> args = new ArrayList<>(List.of(parts).subList(1, parts.length));
        return new Command(parts[0], args, line);
    }

    private static List<Case> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) {
                i++;
                continue;
            }
            int at = i + 1;
            String command = l;
            i++;
            if (i >= lines.size() || !lines.get(i).equals("----")) {
                throw new IllegalArgumentException(file + ":" + at + ": expected ---- after the command");
            }
            i++;
            StringBuilder expected = new StringBuilder();
            while (i < lines.size() && !lines.get(i).isEmpty()) {
                expected.append(lines.get(i)).append('\n');
                i++;
            }
            cases.add(new Case(command, expected.toString().strip(), at));
        }
        return cases;
    }

    private static void write(Path file, List<Case> cases, Map<Case, String> actual) {
        StringBuilder sb = new StringBuilder();
        // Keep the leading comment block.
        try {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!l.startsWith("#")) {
                    break;
                }
                sb.append(l).append('\n');
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            for (Case c : cases) {
                sb.append(c.command).append("\n----\n").append(actual.get(c)).append("\n\n");
            }
            Files.writeString(file, sb.toString().stripTrailing() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code (1 2 3)} into ids; {@code ()} or null gives none. */
    static long[] ids(String list) {
        if (list == null) {
            return new long[0];
        }
        String inner = list.replace("(", "").replace(")", "").trim();
        if (inner.isEmpty()) {
            return new long[0];
        }
        String[] parts = inner.split("\\s+");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Long.parseLong(parts[i]);
        }
        return out;
    }
}
