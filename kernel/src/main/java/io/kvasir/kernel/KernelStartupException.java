package io.kvasir.kernel;

/**
 * A node could not start, for a reason the operator can fix: bad configuration, a port in use,
 * a bundle that does not resolve. The message is the whole story, on one line, naming the
 * config key or bundle at fault; {@code Main} prints it without a stack trace. The cause, when
 * there is one, is kept for debug logging.
 */
public final class KernelStartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KernelStartupException(String message) {
        super(oneLine(message));
    }

    public KernelStartupException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    // Library messages (typesafe-config, Felix) occasionally span lines; a startup error must not.
    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
