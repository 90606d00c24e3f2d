package io.kvasir.kernel.felix;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Slf4jFelixLoggerTest {

    /** An slf4j logger that has info enabled (not debug) and records what it is asked to log. */
    private static Logger recording(List<String> calls) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isDebugEnabled", "isTraceEnabled" -> false;
                    case "isInfoEnabled", "isWarnEnabled", "isErrorEnabled" -> true;
                    case "getName" -> "test";
                    default -> {
                        calls.add(method.getName() + " " + args[0]);
                        yield null;
                    }
                });
    }

    @Test
    void mapsFelixLevelsToSlf4jAndFiltersBySlf4jLevel() {
        List<String> calls = new ArrayList<>();
        Slf4jFelixLogger logger = new Slf4jFelixLogger(recording(calls));
        assertEquals(Slf4jFelixLogger.LOG_INFO, logger.felixLevel());

        logger.log(Slf4jFelixLogger.LOG_ERROR, "e");
        logger.log(Slf4jFelixLogger.LOG_WARNING, "w");
        logger.log(Slf4jFelixLogger.LOG_INFO, "i");
        logger.log(Slf4jFelixLogger.LOG_DEBUG, "d");

        assertEquals(List.of("error e", "warn w", "info i"), calls);
    }
}
