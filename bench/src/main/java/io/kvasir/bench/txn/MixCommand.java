package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.Distribution;
import io.kvasir.bench.ycsb.ErrorLog;
import io.kvasir.bench.ycsb.NumberGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.txn.KVClient;

/**
 * {@code TxnBench mix}: loads the records, then runs every transaction kind at every thread count
 * under every key choice, one phase each, checking after each phase that the counters grew by
 * exactly the committed key writes ({@link CounterAudit}). Appends the table to {@code --out}.
 */
final class MixCommand {

    static final String USAGE = """
              mix --pd HOST:PORT [options]       read-modify-write transactions, a phase per kind x threads x keys
                --kinds LIST            of opt1, opt4, pess1, pess4 (default opt1,opt4,pess4): optimistic 2PC through
                                        tikv-client-java, pessimistic over kvproto; 1 or 4 keys
                --threads LIST          closed-loop threads (default 16,64)
                --distributions LIST    uniform, zipfian (default uniform,zipfian; zipfian: theta 0.99, hot keys scattered)
                --records N             keys to choose from (default 10000), loaded first
                --value-size BYTES      (default 100)
                --warmup S --duration S per phase (default 5 and 30)
                --seed S                thread i draws from S+i (default 1)
                --lock-ttl-ms MS        TTL of every lock (default 3000)
                --lock-wait-ms MS       pessimistic lock wait (default 1000)
                --statement-retries N   pessimistic lock retries on a write conflict (default 10)
                --backoff-ms MS         tikv-client backoff budget per prewrite, commit or read (default 1000); 3.3.5
                                        retries even a write conflict until this runs out
                --cluster-warmup S      unmeasured 1-key transactions before the first phase, at the highest
                                        thread count (default 180; on 2 shared cores the nodes take minutes to warm)
                --client-timeout-ms MS  tikv-client gRPC timeout (default 2000; the client's own is 200)
                --split-regions N       split the records into N regions first (default 6; 1: no split)
                --out FILE.md           append the results as markdown
            """;

    private static final Set<String> FLAGS = Set.of("pd", "kinds", "threads", "distributions", "records", "value-size",
            "warmup", "duration", "seed", "lock-ttl-ms", "lock-wait-ms", "statement-retries", "backoff-ms",
            "client-timeout-ms", "split-regions", "cluster-warmup", "out");
    private static final long RPC_MILLIS = 10_000;
    private static final long COMMAND_DEADLINE_MILLIS = 30_000;

    private MixCommand() {
    }

    /** The mix's settings, from the command line. */
    private record Plan(String pd, List<TxnKind> kinds, List<Integer> threads, List<Distribution> distributions,
                        long records, TxnSettings settings, double warmup, double duration, double clusterWarmup,
                        long seed, int regions, long clientTimeoutMillis, Path out) {

        static Plan of(Flags f) {
            return new Plan(f.required("pd"),
                    f.list("kinds", "opt1,opt4,pess4").stream().map(TxnKind::parse).toList(),
                    f.integers("threads", "16,64", 1),
                    f.list("distributions", "uniform,zipfian").stream().map(Distribution::parse).toList(),
                    f.number("records", 10_000, 4),
                    new TxnSettings(f.integer("value-size", 100, CounterValue.COUNTER_BYTES),
                            f.number("lock-ttl-ms", 3000, 1), f.number("lock-wait-ms", 1000, 0),
                            f.integer("statement-retries", 10, 0), f.integer("backoff-ms", 1000, 1)),
                    f.number("warmup", 5, 0), f.number("duration", 30, 1), f.number("cluster-warmup", 180, 0),
                    f.number("seed", 1, Long.MIN_VALUE), f.integer("split-regions", 6, 1),
                    f.number("client-timeout-ms", 2000, 1), f.path("out"));
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Plan plan = Plan.of(Flags.parse(args, FLAGS));
        String date = TxnBench.now();
        ErrorLog errors = new ErrorLog(8, err::println);
        TiConfiguration conf = TiConfiguration.createDefault(plan.pd());
        conf.setTimeout(plan.clientTimeoutMillis());
        try (Cluster cluster = Cluster.open(plan.pd(), RPC_MILLIS, COMMAND_DEADLINE_MILLIS, 60_000);
             TiSession session = TiSession.create(conf);
             KVClient kv = session.createKVClient()) {
            List<String> params = prepare(plan, cluster, session, out);
            TxnFactory txns = (kind, log) -> kind.pessimistic()
                    ? new PessimisticTxn(cluster.rpc, cluster.tso, plan.settings(), log)
                    : new OptimisticTxn(session, cluster.tso, plan.settings(), cluster.rpc, log);
            PhaseRunner runner = new PhaseRunner(System::nanoTime, errors);
            if (plan.clusterWarmup() > 0) {
                // Five JVMs on two busy cores compile their hot code for minutes; the first phase is the
                // baseline and must not run on a cold cluster. The repeat at the end shows what is left.
                out.printf(Locale.ROOT, "warming the cluster up: %.0f s of %s%n", plan.clusterWarmup(), TxnKind.OPTIMISTIC_1.label());
                runner.run("warm-up", "uniform", txns.of(TxnKind.OPTIMISTIC_1, new CommitLog()),
                        new KeyPicker(Distribution.UNIFORM.overRecords(plan.records()), plan.records(), 1),
                        plan.threads().stream().mapToInt(Integer::intValue).max().orElse(16), 0, plan.clusterWarmup(),
                        plan.seed());
            }
            Phases phases = new Phases(new CounterAudit(kv, cluster.tso, plan.records()), runner, txns, plan, out);
            for (Distribution d : plan.distributions()) {
                KeyPickers pickers = new KeyPickers(d, plan.records());
                for (int n : plan.threads()) {
                    for (TxnKind kind : plan.kinds()) {
                        phases.run(kind, kind.label(), n, d, pickers);
                    }
                }
            }
            if (plan.kinds().contains(TxnKind.OPTIMISTIC_1)) {
                // The first baseline once more: how far the cluster drifted (warm-up, neighbours) over the run.
                Distribution d = plan.distributions().get(0);
                phases.run(TxnKind.OPTIMISTIC_1, TxnKind.OPTIMISTIC_1.label() + ", again at the end", plan.threads().get(0),
                        d, new KeyPickers(d, plan.records()));
            }
            List<PhaseResult> rows = phases.rows;
            List<String> auditFailures = phases.auditFailures;
            long auditedWrites = phases.auditedWrites;
            String md = MixReport.markdown(date, params, rows, notes(auditFailures, auditedWrites, errors.summary()));
            out.print(md);
            if (plan.out() != null) {
                append(plan.out(), md);
                out.println("appended to " + plan.out());
            }
            return auditFailures.isEmpty() ? 0 : 3;
        }
    }

    /** The transaction of a kind. */
    private interface TxnFactory {
        ReadModifyWrite of(TxnKind kind, CommitLog log);
    }

    /** Loads and splits the records; returns the report's parameter lines. */
    private static List<String> prepare(Plan plan, Cluster cluster, TiSession session, PrintStream out)
            throws InterruptedException {
        List<String> params = new ArrayList<>();
        out.println("loading " + plan.records() + " records");
        new Loader(cluster.rpc, cluster.tso).load(plan.records(), plan.settings().valueSize());
        if (plan.regions() > 1) {
            Map<Long, Integer> leaders = new RegionSpread(session, cluster.router).split(plan.records(), plan.regions(), 3,
                    90_000);
            out.println("split into " + plan.regions() + " regions; leaders by store: " + leaders);
            params.add("keys: " + plan.records() + " records (16-byte keys), split into " + plan.regions()
                    + " regions before the run; regions led, by store id: " + leaders);
        } else {
            params.add("keys: " + plan.records() + " records (16-byte keys), one region");
        }
        TxnSettings s = plan.settings();
        params.add(String.format(Locale.ROOT, "values: %d B; each transaction adds 1 to a counter in each of its keys"
                + " (read, then write)", s.valueSize()));
        params.add(String.format(Locale.ROOT, "phases: %.0f s measured after %.0f s of warm-up, closed-loop threads; a"
                + " transaction counts when it finishes in the window; before the first phase, %.0f s of unmeasured"
                + " 1-key transactions warm the cluster up", plan.duration(), plan.warmup(), plan.clusterWarmup()));
        params.add(String.format(Locale.ROOT, "locks: TTL %d ms; pessimistic lock wait %d ms, up to %d statement retries;"
                + " tikv-client backoff budget %d ms per prewrite, commit or read, gRPC timeout %d ms",
                s.lockTtlMillis(), s.lockWaitMillis(), s.maxStatementRetries(), s.backoffMillis(), plan.clientTimeoutMillis()));
        params.add(String.format(Locale.ROOT, "machine: %d cores (shared by PD, 3 stores and this driver), Java %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        return params;
    }

    /** Runs phases one after another, each audited, and keeps their rows. */
    private static final class Phases {
        private final CounterAudit audit;
        private final PhaseRunner runner;
        private final TxnFactory txns;
        private final Plan plan;
        private final PrintStream out;
        final List<PhaseResult> rows = new ArrayList<>();
        final List<String> auditFailures = new ArrayList<>();
        long auditedWrites;

        Phases(CounterAudit audit, PhaseRunner runner, TxnFactory txns, Plan plan, PrintStream out) {
            this.audit = audit;
            this.runner = runner;
            this.txns = txns;
            this.plan = plan;
            this.out = out;
        }

        void run(TxnKind kind, String label, int threads, Distribution d, KeyPickers pickers) {
            out.printf(Locale.ROOT, "%s, %d threads, %s keys: %.0f + %.0f s%n", label, threads, d.label(), plan.warmup(),
                    plan.duration());
            CounterAudit.Sum before = audit.sum();
            CommitLog log = new CommitLog();
            PhaseResult r = runner.run(label, d.label(), txns.of(kind, log), pickers.of(kind.keys()), threads,
                    plan.warmup(), plan.duration(), plan.seed());
            long grown = audit.sum().total() - before.total();
            auditedWrites += r.keyWritesAll();
            if (grown != r.keyWritesAll() || log.duplicates() > 0) {
                auditFailures.add(String.format(Locale.ROOT, "%s, %d threads, %s: counters grew by %d, but %d key writes"
                        + " were counted as committed; %d committed writes repeated a value already committed to their"
                        + " key (lost updates, e.g. %s)", label, threads, d.label(), grown, r.keyWritesAll(),
                        log.duplicates(), log.examples()));
            }
            out.println("  " + summary(r));
            rows.add(r);
        }
    }

    /** Key pickers per key count, sharing one generator (a zipfian's set-up is O(records)). */
    private static final class KeyPickers {
        private final NumberGenerator generator;
        private final long records;

        KeyPickers(Distribution d, long records) {
            this.generator = d.overRecords(records);
            this.records = records;
        }

        KeyPicker of(int keys) {
            return new KeyPicker(generator, records, keys);
        }
    }

    private static String summary(PhaseResult r) {
        return String.format(Locale.ROOT, "%.0f txn/s, p50 %s ms, p99 %s ms, aborted %.1f %% %s", r.committedPerSecond(),
                MixReport.ms(r.committed().percentileNanos(50)), MixReport.ms(r.committed().percentileNanos(99)),
                100 * r.abortRate(), r.aborts());
    }

    private static List<String> notes(List<String> auditFailures, long auditedWrites, List<String> errors) {
        List<String> notes = new ArrayList<>();
        notes.add("txn/s: committed transactions per second; p50/p99: latency of the committed ones, from the first"
                + " timestamp to the primary's commit answer (secondaries' commit included); aborted: aborted /"
                + " (committed + aborted). vs 1-key: txn/s over the optimistic 1-key row with the same threads and keys.");
        notes.add("Abort causes. write conflict: the store's WriteConflict to an optimistic prewrite (a newer commit"
                + " of a key since the snapshot). key locked: a live lock in the way — the client's verdict on a younger"
                + " transaction's lock, a read that could not pass a lock, or a pessimistic lock wait that timed out."
                + " deadlock: the store's deadlock detector refused a lock wait. retries exhausted: the client's backoff"
                + " budget, or the pessimistic statement retries, ran out. lock lost: the primary's lock was rolled back"
                + " by another transaction before the commit. An aborted transaction is not retried; its locks are rolled"
                + " back. stmt retries: pessimistic locks taken again with a newer for_update_ts after a write conflict.");
        notes.add("How they run. Optimistic: snapshot read of the keys at start_ts (KVClient.batchGet), then"
                + " TwoPhaseCommitter: prewrite primary, prewrite secondaries, commit primary, commit secondaries."
                + " tikv-client-java 3.3.5 counts any KeyError of a prewrite as retryable, so it retries a write"
                + " conflict (which can never succeed) until its backoff budget is spent: each optimistic write-conflict"
                + " abort costs about that budget of client-side sleeping. Pessimistic: KvPessimisticLock per key in the"
                + " order drawn (as statements would; so two transactions can deadlock), returning the value; KvPrewrite"
                + " with is_pessimistic_lock; KvCommit of the primary, then of the rest.");
        if (auditFailures.isEmpty()) {
            notes.add("Audit: after every phase, the sum of all counters grew by exactly the committed key writes counted"
                    + " (" + auditedWrites + " in all, warm-ups included), and no two committed transactions wrote the same"
                    + " counter value to a key: no lost update, and no transaction counted as aborted had committed.");
        } else {
            notes.add("**Audit failed** (the sum of all counters must grow by exactly the committed key writes, and no two"
                    + " committed transactions may write the same counter value to one key; start/commit timestamps of"
                    + " both writers given): " + String.join("; ", auditFailures));
        }
        if (!errors.isEmpty()) {
            notes.add("First distinct 'other' failures (count x where: message): "
                    + String.join(" / ", errors.stream().map(e -> "`" + e.replace('`', '\'') + "`").toList()));
        }
        return notes;
    }

    static void append(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
