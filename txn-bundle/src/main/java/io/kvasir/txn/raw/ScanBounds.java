package io.kvasir.txn.raw;

import io.kvasir.kvproto.Metapb;
import io.kvasir.raft.api.RegionErrors;
import io.kvasir.raft.api.RegionKeys;
import io.kvasir.raft.api.RegionRoute;
import java.util.Arrays;

/**
 * The user-key range {@code [lower, upper)} a scan covers once the request's keys are clipped to
 * its region; an empty {@code upper} means unbounded (only in the region that ends the key space).
 */
record ScanBounds(byte[] lower, byte[] upper) {

    /**
     * A forward range from {@code start} (which must lie in the region) to {@code end} (empty: none),
     * clipped at the region's end.
     */
    static ScanBounds forward(RegionRoute route, byte[] start, byte[] end) {
        Metapb.Region region = route.region();
        if (!route.contains(start)) {
            throw RegionErrors.keyNotInRegion(start, region);
        }
        if (end.length > 0 && Arrays.compareUnsigned(end, start) < 0) {
            throw RawKv.invalid("invalid range: end key sorts before start key");
        }
        return new ScanBounds(start, min(end, region.getEndKey().toByteArray()));
    }

    /**
     * A reverse range below {@code start} (exclusive; empty: the region's end) down to {@code end}
     * (inclusive; empty: the region's start), as TiKV's reverse raw scan reads its fields.
     */
    static ScanBounds reverse(RegionRoute route, byte[] start, byte[] end) {
        Metapb.Region region = route.region();
        byte[] regionStart = region.getStartKey().toByteArray();
        byte[] regionEnd = region.getEndKey().toByteArray();
        if (start.length > 0) {
            boolean aboveStart = Arrays.compareUnsigned(start, regionStart) > 0;
            boolean withinEnd = regionEnd.length == 0 || RegionKeys.compare(start, region.getEndKey()) <= 0;
            if (!aboveStart || !withinEnd) {
                throw RegionErrors.keyNotInRegion(start, region);
            }
        }
        if (start.length > 0 && end.length > 0 && Arrays.compareUnsigned(end, start) > 0) {
            throw RawKv.invalid("invalid range: a reverse scan's end key must sort before its start key");
        }
        byte[] upper = start.length == 0 ? regionEnd : start;
        byte[] lower = end.length == 0 || Arrays.compareUnsigned(end, regionStart) < 0 ? regionStart : end;
        return new ScanBounds(lower, upper);
    }

    boolean isEmpty() {
        return upper.length > 0 && Arrays.compareUnsigned(lower, upper) >= 0;
    }

    /** The smaller of two end keys, where empty means unbounded. */
    private static byte[] min(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
