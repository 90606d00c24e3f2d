package io.kvasir.engine.api;

/**
 * The largest key and value an engine stores. Requests above them are refused with
 * INVALID_ARGUMENT before anything is written, so callers can map them to a clear client error.
 */
public record EngineLimits(int maxKeySize, int maxValueSize) {

    public EngineLimits {
        if (maxKeySize <= 0 || maxValueSize <= 0) {
            throw EngineException.invalidArgument("limits must be positive");
        }
    }

    public void checkKey(byte[] key) {
        if (key == null) {
            throw EngineException.invalidArgument("key must not be null");
        }
        if (key.length > maxKeySize) {
            throw EngineException.invalidArgument("key of %d bytes exceeds the engine's limit of %d bytes", key.length, maxKeySize);
        }
    }

    public void checkValue(byte[] value) {
        if (value == null) {
            throw EngineException.invalidArgument("value must not be null");
        }
        if (value.length > maxValueSize) {
            throw EngineException.invalidArgument("value of %d bytes exceeds the engine's limit of %d bytes", value.length, maxValueSize);
        }
    }

    /** A range bound may be one byte longer than a key: it is often {@code key + 0x00}. */
    public void checkBound(byte[] bound) {
        if (bound == null) {
            throw EngineException.invalidArgument("range bound must not be null");
        }
        if (bound.length > maxKeySize + 1) {
            throw EngineException.invalidArgument("range bound of %d bytes exceeds the engine's key limit of %d bytes", bound.length, maxKeySize);
        }
    }
}
