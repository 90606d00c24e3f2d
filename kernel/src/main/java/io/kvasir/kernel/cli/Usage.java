package io.kvasir.kernel.cli;

import java.io.PrintStream;

/** {@code kvasir help}, and what a wrong command line gets (then on stderr, with status 2). */
public record Usage(String problem) implements Command {
    static final String TEXT = """
            usage: kvasir <command> [options]

            commands:
              playground [--stores N] [--engine rocksdb|lmdb|titan] [--data DIR] [--pd-port P]
                                           start PD and N stores (default 3) on loopback as child
                                           processes and print the PD address; Ctrl-C stops them.
                                           Data stays in DIR (default ./data/playground); with
                                           --pd-port 0 every port is picked free
              node --config FILE           start a node assembled as FILE says; Ctrl-C stops it
              bundles [--status HOST:PORT] list the bundles of a running node
                                           (default status address 127.0.0.1:20180)
              help                         show this text

            JVM system properties (-Dserver.addr=...) override any config key.""";

    /** Plain help: no problem, status 0. */
    public static Usage help() {
        return new Usage(null);
    }

    @Override
    public int run(PrintStream out, PrintStream err) {
        if (problem == null) {
            out.println(TEXT);
            return 0;
        }
        err.println("kvasir: " + problem);
        err.println(TEXT);
        return 2;
    }
}
