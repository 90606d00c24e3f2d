package io.kvasir.pd;

import com.google.protobuf.ByteString;
import io.kvasir.kvproto.Metapb;
import io.kvasir.kvproto.Pdpb;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The regions PD knows, by start key and by id, each with its leader ({@link Pdpb.Region} holds
 * both). In memory only; {@link RegionRegistry} persists it.
 *
 * <p>Invariant: regions in the tree never overlap, and both indexes hold the same regions.
 *
 * <p>Updates are epoch-aware, as PD's {@code RegionsInfo.PreCheckPutRegion}: an update is stale
 * (and changes nothing) when the region's epoch is older than the one known for the same id
 * (version or conf_ver smaller), or when a region it overlaps has a greater version (that region
 * was split or merged after the update was sent). Otherwise it replaces the known region with
 * its id and removes every region it overlaps, which is how splits and merges reach the tree.
 *
 * <p>The tree also counts, per store, the regions with a peer there and the regions led from
 * there, kept up to date on every change so that the scheduler reads them in O(1) per heartbeat
 * instead of scanning every region (PD's {@code RegionsInfo} keeps the same counts).
 *
 * <p>And it keeps each region's last heartbeat ({@link RegionShape}: pending and down peers,
 * approximate size and keys), in memory only, so that the merge checker can judge a region's
 * neighbours, which are not the region heartbeating now. A report is dropped with its region, and
 * whenever the region changes by anything but a heartbeat (a split report, loading), so a report
 * always describes the region exactly as the tree holds it. A region without a report (not
 * heartbeated since this PD opened) has unknown size, as in PD.
 *
 * <p>Keys compare as unsigned bytes; an empty end key means +infinity. Thread-safe.
 */
final class RegionTree {
    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    private final NavigableMap<ByteString, Pdpb.Region> byStart = new TreeMap<>(KEY_ORDER);
    private final Map<Long, Pdpb.Region> byId = new HashMap<>();
    // Invariant: equal to what a scan of byId would count; an entry is dropped when it reaches zero.
    private final Map<Long, Integer> regionsPerStore = new HashMap<>();
    private final Map<Long, Integer> leadersPerStore = new HashMap<>();
    // Invariant: every key is in byId, and reported.get(id).region() equals byId.get(id).getRegion().
    private final Map<Long, RegionShape> reported = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /** What {@link #update} did. */
    record Update(Outcome outcome, List<Pdpb.Region> removed, Pdpb.Region known) {
        boolean changed() {
            return outcome == Outcome.APPLIED;
        }

        /**
         * Whether applying {@code applied} shows that it was just split off or split: it is new to
         * the tree (a region id appears only by a split, or by a bootstrap), or its version grew
         * while its range shrank (a merge grows the range; a merge rolled back keeps it).
         */
        boolean revealsSplit(Metapb.Region applied) {
            if (outcome != Outcome.APPLIED) {
                return false;
            }
            if (known == null) {
                return true;
            }
            Metapb.Region before = known.getRegion();
            return applied.getRegionEpoch().getVersion() > before.getRegionEpoch().getVersion()
                    && covers(before, applied) && !covers(applied, before);
        }
    }

    /** Whether {@code outer}'s key range holds all of {@code inner}'s. */
    static boolean covers(Metapb.Region outer, Metapb.Region inner) {
        boolean startOk = KEY_ORDER.compare(outer.getStartKey(), inner.getStartKey()) <= 0;
        boolean endOk = outer.getEndKey().isEmpty()
                || !inner.getEndKey().isEmpty() && KEY_ORDER.compare(outer.getEndKey(), inner.getEndKey()) >= 0;
        return startOk && endOk;
    }

    enum Outcome {
        /** The region was stored; {@code removed} lists the regions it replaced by overlap. */
        APPLIED,
        /** The tree already held exactly this region and leader. */
        UNCHANGED,
        /** The update was older than what the tree holds and was dropped. */
        STALE
    }

    /** Applies {@code region} unless it is stale; see the class comment. */
    Update update(Pdpb.Region region) {
        return update(region, null);
    }

    /**
     * Applies {@code region} unless it is stale and, if it is not, keeps {@code heartbeat} (null:
     * none) as its last report.
     *
     * @throws IllegalArgumentException when {@code heartbeat} describes another region
     */
    Update update(Pdpb.Region region, RegionShape heartbeat) {
        Metapb.Region meta = region.getRegion();
        if (heartbeat != null && !heartbeat.region().equals(meta)) {
            throw new IllegalArgumentException("region " + meta.getId() + ": the heartbeat describes another region");
        }
        lock.writeLock().lock();
        try {
            Pdpb.Region old = byId.get(meta.getId());
            if (old != null && isOlder(meta.getRegionEpoch(), old.getRegion().getRegionEpoch())) {
                return new Update(Outcome.STALE, List.of(), old);
            }
            List<Pdpb.Region> overlaps = overlapping(meta.getStartKey(), meta.getEndKey(), meta.getId());
            for (Pdpb.Region o : overlaps) {
                if (o.getRegion().getRegionEpoch().getVersion() > meta.getRegionEpoch().getVersion()) {
                    return new Update(Outcome.STALE, List.of(), o);
                }
            }
            if (region.equals(old)) {
                if (heartbeat != null) {
                    reported.put(meta.getId(), heartbeat);
                }
                return new Update(Outcome.UNCHANGED, List.of(), old);
            }
            if (old != null) {
                removeLocked(old);
            }
            for (Pdpb.Region o : overlaps) {
                removeLocked(o);
            }
            byStart.put(meta.getStartKey(), region);
            byId.put(meta.getId(), region);
            if (heartbeat != null) {
                reported.put(meta.getId(), heartbeat);
            }
            count(region, 1);
            return new Update(Outcome.APPLIED, List.copyOf(overlaps), old);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether epoch {@code a} is older than {@code b} in either of its counters. */
    static boolean isOlder(Metapb.RegionEpoch a, Metapb.RegionEpoch b) {
        return a.getVersion() < b.getVersion() || a.getConfVer() < b.getConfVer();
    }

    private void removeLocked(Pdpb.Region region) {
        Metapb.Region meta = region.getRegion();
        byId.remove(meta.getId());
        reported.remove(meta.getId());
        count(region, -1);
        Pdpb.Region atStart = byStart.get(meta.getStartKey());
        if (atStart != null && atStart.getRegion().getId() == meta.getId()) {
            byStart.remove(meta.getStartKey());
        }
    }

    private void count(Pdpb.Region region, int delta) {
        for (Metapb.Peer p : region.getRegion().getPeersList()) {
            add(regionsPerStore, p.getStoreId(), delta);
        }
        if (region.getLeader().getId() != 0) {
            add(leadersPerStore, region.getLeader().getStoreId(), delta);
        }
    }

    private static void add(Map<Long, Integer> counts, long storeId, int delta) {
        counts.merge(storeId, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** How many regions have a peer (any role) on store {@code storeId}. */
    int regionCount(long storeId) {
        lock.readLock().lock();
        try {
            return regionsPerStore.getOrDefault(storeId, 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many regions are led from store {@code storeId}, as last reported. */
    int leaderCount(long storeId) {
        lock.readLock().lock();
        try {
            return leadersPerStore.getOrDefault(storeId, 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The regions intersecting [start, end), other than {@code exceptId}, in key order. */
    private List<Pdpb.Region> overlapping(ByteString start, ByteString end, long exceptId) {
        List<Pdpb.Region> result = new ArrayList<>();
        Map.Entry<ByteString, Pdpb.Region> floor = byStart.floorEntry(start);
        if (floor != null && endsAfter(floor.getValue(), start) && floor.getValue().getRegion().getId() != exceptId) {
            result.add(floor.getValue());
        }
        for (Pdpb.Region r : byStart.tailMap(start, false).values()) {
            if (!end.isEmpty() && KEY_ORDER.compare(r.getRegion().getStartKey(), end) >= 0) {
                break;
            }
            if (r.getRegion().getId() != exceptId) {
                result.add(r);
            }
        }
        return result;
    }

    /** Whether {@code region} ends after {@code key}, i.e. holds keys above it. */
    private static boolean endsAfter(Pdpb.Region region, ByteString key) {
        ByteString end = region.getRegion().getEndKey();
        return end.isEmpty() || KEY_ORDER.compare(end, key) > 0;
    }

    /** The region holding {@code key}, or null. */
    Pdpb.Region byKey(ByteString key) {
        lock.readLock().lock();
        try {
            return byKeyLocked(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Pdpb.Region byKeyLocked(ByteString key) {
        Map.Entry<ByteString, Pdpb.Region> floor = byStart.floorEntry(key);
        return floor != null && endsAfter(floor.getValue(), key) ? floor.getValue() : null;
    }

    /**
     * The last heartbeat of region {@code id}, describing the region exactly as the tree holds it,
     * or null when it has not heartbeated since this PD opened or changed since.
     */
    RegionShape reported(long id) {
        lock.readLock().lock();
        try {
            return reported.get(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The region ending exactly at {@code key} (its end key equals it), or null; none ends at "". */
    Pdpb.Region endingAt(ByteString key) {
        lock.readLock().lock();
        try {
            Map.Entry<ByteString, Pdpb.Region> lower = byStart.lowerEntry(key);
            return lower != null && lower.getValue().getRegion().getEndKey().equals(key) ? lower.getValue() : null;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The region starting exactly at {@code key}, or null; "" is no start here (it is the open end). */
    Pdpb.Region startingAt(ByteString key) {
        if (key.isEmpty()) {
            return null;
        }
        lock.readLock().lock();
        try {
            return byStart.get(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The region with id {@code id}, or null. */
    Pdpb.Region byId(long id) {
        lock.readLock().lock();
        try {
            return byId.get(id);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The region just before the one holding {@code key}, or null when no region holds the key
     * or the region before it is not adjacent (PD's {@code regionTree.searchPrev}).
     */
    Pdpb.Region prev(ByteString key) {
        lock.readLock().lock();
        try {
            Pdpb.Region current = byKeyLocked(key);
            if (current == null) {
                return null;
            }
            Map.Entry<ByteString, Pdpb.Region> lower = byStart.lowerEntry(current.getRegion().getStartKey());
            if (lower == null || !lower.getValue().getRegion().getEndKey().equals(current.getRegion().getStartKey())) {
                return null;
            }
            return lower.getValue();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Regions in key order from the one holding {@code start} (or the first after it), while
     * their start is below {@code end} (empty: no bound), at most {@code limit} of them (0 or
     * less: no limit). PD's {@code RegionsInfo.ScanRange}.
     */
    List<Pdpb.Region> scan(ByteString start, ByteString end, int limit) {
        lock.readLock().lock();
        try {
            List<Pdpb.Region> result = new ArrayList<>();
            Pdpb.Region first = byKeyLocked(start);
            ByteString from = first == null ? start : first.getRegion().getStartKey();
            for (Pdpb.Region r : byStart.tailMap(from, true).values()) {
                if (!end.isEmpty() && KEY_ORDER.compare(r.getRegion().getStartKey(), end) >= 0) {
                    break;
                }
                if (limit > 0 && result.size() >= limit) {
                    break;
                }
                result.add(r);
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every region, in key order. */
    List<Pdpb.Region> all() {
        return scan(ByteString.EMPTY, ByteString.EMPTY, 0);
    }

    int size() {
        lock.readLock().lock();
        try {
            return byId.size();
        } finally {
            lock.readLock().unlock();
        }
    }
}
