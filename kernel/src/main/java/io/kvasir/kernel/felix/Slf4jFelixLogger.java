package io.kvasir.kernel.felix;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Felix's own log output to slf4j, so framework messages share the node's log format
 * and levels instead of going to stdout. Passed to Felix as the {@code felix.log.logger}
 * framework property.
 */
public final class Slf4jFelixLogger extends org.apache.felix.framework.Logger {
    private final Logger log;

    public Slf4jFelixLogger() {
        this(LoggerFactory.getLogger("org.apache.felix.framework"));
    }

    Slf4jFelixLogger(Logger log) {
        this.log = log;
        // Felix drops messages above its own level before they reach doLog; open the gate as
        // far as slf4j wants, and let slf4j filter.
        setLogLevel(felixLevel());
    }

    /** The {@code felix.log.level} matching what slf4j would print. */
    public int felixLevel() {
        if (log.isDebugEnabled()) {
            return LOG_DEBUG;
        }
        if (log.isInfoEnabled()) {
            return LOG_INFO;
        }
        return log.isWarnEnabled() ? LOG_WARNING : LOG_ERROR;
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        switch (level) {
            case LOG_ERROR -> log.error(msg, throwable);
            case LOG_WARNING -> log.warn(msg, throwable);
            case LOG_INFO -> log.info(msg, throwable);
            default -> log.debug(msg, throwable);
        }
    }
}
