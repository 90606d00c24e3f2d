package io.kvasir.bench.txn;

import io.kvasir.bench.ycsb.ErrorLog;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The transaction benchmarks' command line: {@code mix}, {@code burst}, {@code burst-report}
 * (see {@link #USAGE}); {@code bench/run-txn.sh} runs them against playgrounds. Exit code 0 after
 * a run, 2 for a bad command line, 3 if the mix's counter audit failed, 1 for anything else.
 */
public final class TxnBench {

    static final String USAGE = "Usage: TxnBench COMMAND [options]\n" + MixCommand.USAGE + BurstCommand.USAGE
            + BurstReportCommand.USAGE;

    private TxnBench() {
    }

    public static void main(String[] args) {
        // Before the first logger exists: the client logs every prewrite and commit at info.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        int code;
        try {
            code = run(args, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            code = 2;
        } catch (Exception | Error e) {
            System.err.println("error: " + ErrorLog.describe(e));
            e.printStackTrace();
            code = 1;
        }
        // The clients' gRPC and scheduler threads, and writers stuck in a stall, may outlive the run.
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "mix" -> MixCommand.run(rest, out, err);
            case "burst" -> BurstCommand.run(rest, out, err);
            case "burst-report" -> BurstReportCommand.run(rest, out);
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
        };
    }

    /** The time of a report's heading, UTC to the second. */
    static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
