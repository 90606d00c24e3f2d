package io.kvasir.engine.api;

import java.nio.file.Path;

/**
 * Opens an engine of one kind with its default options. Used by tests, tools and benchmarks that
 * need "an engine of kind X at this path"; a node opens its engine with the options of its config.
 * Implementations have a public no-argument constructor, so a child process can be told which
 * factory to use by class name.
 */
public interface KvEngineFactory {

    String name();

    /** Opens (creating if needed) the engine stored in {@code dir}. */
    KvEngine open(Path dir);
}
