package io.kvasir.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class every client request passes through (STYLE rule 19, TiKV's
 * {@code PERFORMANCE_CRITICAL_PATH.md}): no blocking, no waiting on a future, no logging below
 * warn level on the normal path, and no lock wider than one call or one stream.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface PerformanceCriticalPath {
}
