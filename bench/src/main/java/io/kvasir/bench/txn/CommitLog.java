package io.kvasir.bench.txn;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counter values committed transactions wrote, key by key, to catch lost updates directly:
 * every committed read-modify-write of a key writes its counter plus one, so under snapshot
 * isolation no two committed transactions can write the same value to the same key. A second
 * commit of a (key, value) pair means both read the same version and both committed: one update
 * was lost. One log per phase. Thread-safe.
 */
final class CommitLog {

    /** Per (key, value): which transaction wrote it, as "start_ts/commit_ts". */
    private final Map<String, String> written = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final Set<String> examples = ConcurrentHashMap.newKeySet();

    /**
     * Records that the transaction {@code startTs} wrote {@code counter} to {@code key} and
     * committed at {@code commitTs} (0 when only a store's "already committed" told so).
     */
    void committed(byte[] key, long counter, long startTs, long commitTs) {
        String entry = Router.describe(key) + "=" + counter;
        String txn = startTs + "/" + commitTs;
        String first = written.putIfAbsent(entry, txn);
        if (first != null) {
            duplicates.incrementAndGet();
            if (examples.size() < 3) {
                examples.add(entry + " by start/commit " + first + " and " + txn);
            }
        }
    }

    /** Committed writes that repeated a value already committed to their key: lost updates. */
    long duplicates() {
        return duplicates.get();
    }

    /** A few of them: the key, the value, and both transactions' start_ts/commit_ts. */
    Set<String> examples() {
        return Set.copyOf(examples);
    }
}
