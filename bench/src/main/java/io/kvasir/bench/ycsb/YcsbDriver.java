package io.kvasir.bench.ycsb;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tikv.common.TiConfiguration;
import org.tikv.common.TiSession;
import org.tikv.raw.RawKVClient;
import org.tikv.shade.com.google.protobuf.ByteString;

/**
 * YCSB-style load driver for a running Kvasir cluster through tikv-client-java's RawKVClient (one
 * shared session and client); see {@link DriverOptions#USAGE} for the options and
 * {@code bench/run-ycsb.sh} for a run against the playground. Exit code 0 after a run (errors are
 * reported, not fatal), 1 if the cluster never answered the probe, 2 for a bad command line.
 */
public final class YcsbDriver {

    /** Written and read once before the run, to wait until the cluster serves; outside "user..." keys. */
    private static final byte[] PROBE_KEY = "ycsb-probe".getBytes(StandardCharsets.US_ASCII);
    private static final int ERROR_MESSAGES_KEPT = 8;

    private YcsbDriver() {
    }

    public static void main(String[] args) {
        // Before the first logger exists: the client logs every region-cache event at info.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (RuntimeException | Error e) {
            // A bug in the driver, not a failed operation (those are counted): show where.
            System.err.println("error: the driver failed: " + ErrorLog.describe(e));
            e.printStackTrace();
            code = 1;
        }
        // The client's gRPC and scheduler threads may outlive a closed session.
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (DriverOptions.wantsHelp(args)) {
            out.print(DriverOptions.USAGE);
            return 0;
        }
        DriverOptions options;
        try {
            options = DriverOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(DriverOptions.USAGE);
            return 2;
        }
        String date = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        TiConfiguration conf = TiConfiguration.createRawDefault(options.pd);
        TiSession session = null;
        RawKVClient client = null;
        try {
            session = connect(conf, options, out, err);
            if (session == null) {
                return 1;
            }
            client = session.createRawClient();
            splitRegions(session, options, out);
            Results results = runPhases(new TikvRawKv(client), options, out, err);
            report(options, date, results, out);
            return 0;
        } catch (IOException e) {
            err.println("error: cannot write " + options.out + ": " + e);
            return 1;
        } finally {
            close(client, session, err);
        }
    }

    /** Cuts the record range into {@code --split-regions} regions of equal record counts. */
    private static void splitRegions(TiSession session, DriverOptions options, PrintStream out) {
        if (options.splitRegions <= 1) {
            return;
        }
        List<byte[]> keys = new java.util.ArrayList<>();
        for (int i = 1; i < options.splitRegions; i++) {
            keys.add(KeySpace.key(options.records * i / options.splitRegions));
        }
        long start = System.nanoTime();
        session.splitRegionAndScatter(keys);
        out.printf(java.util.Locale.ROOT, "split the records into %d regions in %.1f s%n", options.splitRegions,
                (System.nanoTime() - start) / 1e9);
    }

    /** Every phase's rows, and the error log's summary. */
    private record Results(List<OpSummary> rows, List<String> errors) {
    }

    private static Results runPhases(RawKv kv, DriverOptions options, PrintStream out, PrintStream err) {
        ErrorLog errors = new ErrorLog(ERROR_MESSAGES_KEPT, err::println);
        WorkloadRunner runner = new WorkloadRunner(kv, options, System::nanoTime, errors, out::println);
        List<OpSummary> rows = new ArrayList<>();
        for (Workload w : options.phases()) {
            out.println(w == Workload.LOAD
                    ? "load: " + options.records + " records, " + options.valueSize + " B values, "
                    + options.threads + " threads"
                    : "workload " + w.label() + ": " + options.warmupSeconds + " s warm-up + "
                    + options.durationSeconds + " s measured, " + options.threads + " threads, "
                    + options.distribution.label());
            List<OpSummary> phase = runner.run(w);
            out.print(ResultReport.table(phase));
            rows.addAll(phase);
        }
        return new Results(rows, errors.summary());
    }

    private static void report(DriverOptions options, String date, Results results, PrintStream out)
            throws IOException {
        out.println();
        out.print(ResultReport.table(results.rows()));
        results.errors().forEach(m -> out.println("errors: " + m));
        if (options.out != null) {
            ResultReport.Machine machine = new ResultReport.Machine(Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
            String md = ResultReport.markdown(date, options.label, options.describe(), machine, results.rows(),
                    results.errors());
            Path parent = options.out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(options.out, md, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            out.println("appended to " + options.out);
        }
    }

    /**
     * Opens the session and writes and reads {@link #PROBE_KEY} until that works or
     * {@code --connect-timeout} passes: a cluster that has just started may have PD up before its
     * store has a leader. Returns null (after saying why) if it never works.
     */
    private static TiSession connect(TiConfiguration conf, DriverOptions options, PrintStream out, PrintStream err) {
        long deadline = System.nanoTime() + (long) (options.connectTimeoutSeconds * 1e9);
        TiSession session = null;
        RawKVClient probe = null;
        RuntimeException last;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                if (session == null) {
                    session = TiSession.create(conf);
                }
                if (probe == null) {
                    probe = session.createRawClient();
                }
                ByteString key = ByteString.copyFrom(PROBE_KEY);
                probe.put(key, ByteString.copyFromUtf8("probe"));
                Optional<ByteString> back = probe.get(key);
                if (back.isEmpty()) {
                    throw new IllegalStateException("the probe key was written but reads back as absent");
                }
                probe.delete(key);
                out.println("cluster at " + options.pd + " answers (attempt " + attempt + ")");
                probe.close();
                return session;
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() >= deadline) {
                err.println("error: the cluster at " + options.pd + " did not answer within "
                        + options.connectTimeoutSeconds + " s: " + ErrorLog.describe(last));
                close(probe, session, err);
                return null;
            }
            err.println("waiting for the cluster at " + options.pd + ": " + ErrorLog.describe(last));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close(probe, session, err);
                return null;
            }
        }
    }

    private static void close(RawKVClient client, TiSession session, PrintStream err) {
        try {
            if (client != null) {
                client.close();
            }
            if (session != null) {
                session.close();
            }
        } catch (Exception e) {
            err.println("warning: closing the client: " + ErrorLog.describe(e));
        }
    }
}
