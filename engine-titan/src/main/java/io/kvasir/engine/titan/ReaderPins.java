package io.kvasir.engine.titan;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reader epochs, which say when an obsolete blob file can be deleted. Snapshots and iterators read
 * the LSM tree as it was when they were made, so they may follow an index into a blob file that GC
 * has since emptied. Each pins the current epoch before it takes its LSM view; GC advances the epoch
 * after it has switched a file's indexes away, and the file may go once every pin is at or past
 * that epoch. This plays the part of Titan's "obsolete sequence" check against the oldest snapshot
 * (tikv/titan {@code BlobFileSet::GetObsoleteFiles}).
 *
 * <p>Point reads do not pin: they retry when their file vanishes (see {@link BlobFile.Gone}),
 * because re-reading the index then finds the value's new home.
 *
 * <p>Why pin-then-view is enough: a pin taken at an epoch below E keeps files obsoleted at E; a
 * pin at E or later was taken after GC advanced the epoch, hence after the indexes moved, and the
 * view taken after the pin cannot see the old indexes.
 */
final class ReaderPins {
    private final TreeMap<Long, Integer> pins = new TreeMap<>();
    private long epoch;

    /** A held pin; releasing it twice is harmless. */
    final class Pin {
        private final long pinned;
        private final AtomicBoolean released = new AtomicBoolean();

        private Pin(long pinned) {
            this.pinned = pinned;
        }

        /** Releases the pin; returns true when it was the last one at the oldest epoch. */
        boolean release() {
            return released.compareAndSet(false, true) && unpin(pinned);
        }
    }

    synchronized Pin pin() {
        pins.merge(epoch, 1, Integer::sum);
        return new Pin(epoch);
    }

    private synchronized boolean unpin(long pinned) {
        boolean oldest = pins.firstKey() == pinned;
        if (pins.merge(pinned, -1, Integer::sum) == 0) {
            pins.remove(pinned);
            return oldest;
        }
        return false;
    }

    /** Starts a new epoch, after GC switched some indexes; returns it. */
    synchronized long advance() {
        return ++epoch;
    }

    /** The oldest pinned epoch, or {@link Long#MAX_VALUE} when nothing is pinned. */
    synchronized long oldest() {
        Map.Entry<Long, Integer> first = pins.firstEntry();
        return first == null ? Long.MAX_VALUE : first.getKey();
    }

    synchronized int pinned() {
        return pins.values().stream().mapToInt(Integer::intValue).sum();
    }
}
