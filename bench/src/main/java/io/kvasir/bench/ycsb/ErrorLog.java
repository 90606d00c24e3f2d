package io.kvasir.bench.ycsb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects failed operations' messages across threads: every failure is counted per distinct
 * message, and the first {@code limit} distinct messages are kept (and announced once each through
 * the sink) so that a flood of one error does not hide a second kind.
 */
public final class ErrorLog {

    /** Messages longer than this are cut; the client's messages can carry whole region dumps. */
    static final int MAX_MESSAGE_LENGTH = 300;

    private final int limit;
    private final Consumer<String> sink;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private long overflow;

    public ErrorLog(int limit, Consumer<String> sink) {
        this.limit = limit;
        this.sink = sink;
    }

    public void record(String context, Throwable error) {
        String message = context + ": " + describe(error);
        boolean first;
        synchronized (this) {
            Long n = counts.get(message);
            if (n != null) {
                counts.put(message, n + 1);
                return;
            }
            first = counts.size() < limit;
            if (first) {
                counts.put(message, 1L);
            } else {
                overflow++;
            }
        }
        if (first) {
            sink.accept("error: " + message);
        }
    }

    /** The kept messages with their counts, in order of first occurrence, and the uncounted rest. */
    public synchronized List<String> summary() {
        List<String> lines = new ArrayList<>();
        counts.forEach((m, n) -> lines.add(n + " x " + m));
        if (overflow > 0) {
            lines.add(overflow + " x other messages");
        }
        return lines;
    }

    /** The class and first line of the message of the error and of each cause. */
    public static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = error; t != null && sb.length() < MAX_MESSAGE_LENGTH; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                int newline = m.indexOf('\n');
                sb.append(": ").append(newline >= 0 ? m.substring(0, newline) : m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.length() > MAX_MESSAGE_LENGTH ? sb.substring(0, MAX_MESSAGE_LENGTH) + "..." : sb.toString();
    }
}
