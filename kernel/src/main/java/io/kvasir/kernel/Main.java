package io.kvasir.kernel;

import io.kvasir.kernel.cli.CommandLine;

import java.io.PrintStream;

/** Entry point of {@code bin/kvasir}: parses the command line, runs the command, exits with its status. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit status; what {@link #main} does, minus the exit. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return CommandLine.parse(args).run(out, err);
        } catch (KernelStartupException e) {
            err.println("kvasir: " + e.getMessage());
            return 2;
        }
    }
}
