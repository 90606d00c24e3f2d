package io.kvasir.engine.titan;

/**
 * Test hook into a GC run, called on the GC thread at named points; a crash test stops the
 * process there. A no-op unless a test installs one ({@link TitanEngine#gcObserver}).
 */
@FunctionalInterface
interface GcObserver {
    GcObserver NONE = (point, fileNumber) -> { };

    enum Point {
        /** Live records of a file were copied to the output and synced; their indexes are not switched yet. */
        COPIED,
        /** A chunk of indexes was switched to the copies. */
        SWITCHED,
        /** Every live record of the file was moved; the file is obsolete, not yet deleted. */
        OBSOLETE,
        /** The round deleted the obsolete files no reader needed. */
        PURGED
    }

    void at(Point point, long fileNumber);
}
