package io.kvasir.raft.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class on the hot path of every proposal (STYLE rule 19, TiKV's
 * {@code PERFORMANCE_CRITICAL_PATH.md}): no blocking, no logging, no global locks, and no
 * allocation that is not needed for the output.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface PerformanceCriticalPath {
}
