package io.kvasir.it.bank;

import java.util.Map;
import java.util.TreeMap;
import org.tikv.common.exception.KeyException;

/**
 * Why transfers failed or ended unknown, counted by a short reason, so that a run's summary shows
 * whether the cluster refused work for good reasons (write conflicts) or struggled (timeouts).
 * Thread-safe.
 */
final class FailureReasons {
    private final Map<String, Integer> counts = new TreeMap<>();

    /** Counts {@code thrown} under "{@code stage}: reason". */
    synchronized void add(String stage, Throwable thrown) {
        counts.merge(stage + ": " + reason(thrown), 1, Integer::sum);
    }

    synchronized void add(String stageAndReason) {
        counts.merge(stageAndReason, 1, Integer::sum);
    }

    /** The reason of a client exception, from the text of its causes (the client wraps them deeply). */
    static String reason(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            all.append(t).append(" | ");
            if (t instanceof KeyException k && k.getKeyErr() != null) {
                all.append(k.getKeyErr()).append(" | ");
            }
        }
        String text = all.toString();
        if (text.contains("WriteConflict") || text.contains("conflict {")) {
            return "write conflict";
        }
        if (text.contains("commit_ts_expired")) {
            return "commit ts expired (a reader pushed min_commit_ts)";
        }
        if (text.contains("lock not found") || text.contains("TxnLockNotFound")) {
            return "lock not found (rolled back by a reader)";
        }
        if (text.contains("LockException") || text.contains("locked {")) {
            return "locked by a live transaction";
        }
        if (text.contains("UNAVAILABLE") || text.contains("DEADLINE_EXCEEDED")) {
            return "store unavailable or slow";
        }
        Throwable root = thrown;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return root.getClass().getSimpleName() + " " + message.substring(0, Math.min(80, message.length()));
    }

    @Override
    public synchronized String toString() {
        return counts.toString();
    }
}
