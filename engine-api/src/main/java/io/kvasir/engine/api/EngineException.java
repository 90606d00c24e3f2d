package io.kvasir.engine.api;

/**
 * The one error type of the engine API. The {@link Code} is stable and is what callers branch
 * on; the message is for people and never contains user keys or values.
 */
public final class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The caller passed something the engine cannot accept: null, oversize, inverted range, ... Nothing was changed. */
        INVALID_ARGUMENT,
        /** The call is not allowed in the object's current state, e.g. reading an unpositioned iterator. */
        INVALID_STATE,
        /** The engine, snapshot, iterator or batch was closed. */
        CLOSED,
        /** Stored or received data failed a checksum or format check. */
        CORRUPTION,
        /** The disk is full, or a size limit of the engine was reached and could not be raised. */
        NO_SPACE,
        /** An I/O error from the operating system. */
        IO,
        /** Anything else the underlying library reported. */
        INTERNAL
    }

    private final Code code;

    public EngineException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public EngineException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static EngineException invalidArgument(String format, Object... args) {
        return new EngineException(Code.INVALID_ARGUMENT, String.format(format, args));
    }

    public static EngineException invalidState(String format, Object... args) {
        return new EngineException(Code.INVALID_STATE, String.format(format, args));
    }

    public static EngineException closed(String what) {
        return new EngineException(Code.CLOSED, what + " is closed");
    }

    public static EngineException corruption(String format, Object... args) {
        return new EngineException(Code.CORRUPTION, String.format(format, args));
    }

    @Override
    public String toString() {
        return "EngineException[" + code + "]: " + getMessage();
    }
}
