package io.kvasir.engine.api;

import java.nio.file.Path;

/** Consistent on-disk copies, for backups and for moving a store. */
public interface Checkpoints {

    /**
     * Writes a consistent copy of the whole engine to {@code dir}, which must not exist yet.
     * The copy can be opened as an engine of the same kind. Where the file system allows it the
     * copy shares immutable files by hard links, so it is cheap.
     */
    void checkpoint(Path dir);
}
