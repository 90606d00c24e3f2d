package io.kvasir.kernel.cli;

import java.io.PrintStream;

/** One thing {@code bin/kvasir} can do, already parsed from its arguments. */
public interface Command {
    /**
     * @return the process exit status: 0 success, 1 failure at run time, 2 usage or startup error
     */
    int run(PrintStream out, PrintStream err);
}
