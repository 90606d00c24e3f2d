package io.kvasir.kernel.felix;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleException;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BundleFailuresTest {
    private static final Config CONFIG = ConfigFactory.parseString("engine.cache-size = 1\nengine.path = x");

    /** A bundle's own exception type, recognised by its name. */
    static final class EngineConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EngineConfigException(String message) {
            super(message);
        }
    }

    private static Optional<String> configError(Throwable cause) {
        return BundleFailures.configError(new BundleException("Activator start error in bundle x [3].", cause), CONFIG);
    }

    @Test
    void typesafeExceptionsAreConfigErrors() {
        Throwable missing = new ConfigException.Missing("engine.threads");
        assertEquals(Optional.of(missing.getMessage()), configError(new RuntimeException("wrapped", missing)));
    }

    @Test
    void exceptionsNamedConfigExceptionAreConfigErrors() {
        assertEquals(Optional.of("cache too small"), configError(new EngineConfigException("cache too small")));
    }

    @Test
    void illegalArgumentCountsOnlyWhenItStartsWithAKey() {
        assertEquals(Optional.of("engine.cache-size: must be > 0"),
                configError(new IllegalArgumentException("engine.cache-size: must be > 0")));
        assertEquals(Optional.empty(), configError(new IllegalArgumentException("bad.key: no such key in config")));
        assertEquals(Optional.empty(), configError(new IllegalArgumentException("index out of range")));
        assertEquals(Optional.empty(), configError(new IllegalStateException("engine.cache-size: not a config error")));
    }
}
